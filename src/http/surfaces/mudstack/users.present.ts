import type { UserRow } from '../../../db/schema.js';
import type { UserJson } from './common.schemas.js';
import { avatarIndex } from './values.present.js';

/** The Mudstack User object. `auth0UserID` has no meaning here; it carries a stable `atelier|<id>`. */
export function presentUser(u: UserRow): UserJson {
  return {
    id: u.id,
    auth0UserID: `atelier|${u.id}`,
    username: u.username,
    email: u.email,
    firstName: u.first_name,
    lastName: u.last_name,
    avatar_file_id: u.avatar_blob_key,
    defaultAvatar: avatarIndex(u.default_avatar),
    industry: u.industry,
    occupation: u.occupation,
    company: u.company,
    emailVerified: false,
    isActive: u.is_active === 1,
    city: u.city,
    state: u.state,
    country: u.country,
    zipCode: u.zip_code,
    invited_by_user: {},
  };
}
