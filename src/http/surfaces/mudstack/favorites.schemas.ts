import { Type } from '@sinclair/typebox';

export const Favorite = Type.Object({ favorited: Type.Boolean() }, { description: 'Whether the caller has favourited the asset' });
