import { sql, type Kysely } from 'kysely';

// Frozen: never import app code here.

/*
 * The `assets.delete_scheduled` sweep (docs/medialoopster.md, scheduled deletion) reads the media assets whose
 * `date_del` has passed every few minutes; almost none have one, so the index is partial and stays tiny.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('media_asset_fields_date_del_idx')
    .on('media_asset_fields')
    .columns(['date_del'])
    .where(sql.ref('date_del'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('media_asset_fields_date_del_idx').execute();
}
