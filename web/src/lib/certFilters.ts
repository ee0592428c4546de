// The certificate page's presets and the /api/certificates query each one means.
import type { OperationQuery } from '../api'

export const CERT_FILTERS = ['all', 'expired', 'within7', 'within30', 'selfSigned'] as const
export type CertFilter = (typeof CERT_FILTERS)[number]

/**
 * `expiring_days=N` returns certificates whose end date is before now + N days, expired ones
 * included; so 0 means "already expired".
 */
export function certQuery(filter: CertFilter): OperationQuery<'certificate_list'> {
  switch (filter) {
    case 'expired':
      return { expiring_days: 0 }
    case 'within7':
      return { expiring_days: 7 }
    case 'within30':
      return { expiring_days: 30 }
    case 'selfSigned':
      return { self_signed: true }
    case 'all':
      return {}
  }
}
