// The standalone command's seed file: both emulators' seeds and quotas in one JSON document.
import * as t from 'io-ts';
import { QuotaSpecCodec } from '../common/control.js';
import { EntraSeed } from '../entra/seed.js';
import { GoogleSeed } from '../google/seed.js';

export const SeedFile = t.partial({
  google: t.intersection([
    GoogleSeed,
    t.partial({ quotas: t.partial({ perUser: QuotaSpecCodec, perAccount: QuotaSpecCodec, concurrent: t.union([t.null, t.number]) }) }),
  ]),
  entra: t.intersection([
    EntraSeed,
    t.partial({
      quotas: t.partial({ appTenantWrites: QuotaSpecCodec, tenantWrites: QuotaSpecCodec, appTenantResourceUnits: QuotaSpecCodec }),
    }),
  ]),
});
export type SeedFile = t.TypeOf<typeof SeedFile>;
