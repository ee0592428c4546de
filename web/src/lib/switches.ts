// The switch / router form ↔ the body of POST /api/switches, and how a registered one's SNMP
// settings and VLANs read in the list. Secrets (community, pass phrases) are write-only: the
// form sends them once and forgets them (clearSecrets), and the list never gets them back.
import type { AuthProtocol, GearRole, NewSwitch, PrivProtocol, SwitchView, VlanView } from '../api'

export const GEAR_ROLES = ['switch', 'router'] as const satisfies readonly GearRole[]
export const SNMP_VERSIONS = ['2c', '1', '3'] as const
export type SnmpVersion = (typeof SNMP_VERSIONS)[number]
export const AUTH_PROTOCOLS = ['sha256', 'sha1', 'sha224', 'sha384', 'sha512', 'md5'] as const satisfies readonly AuthProtocol[]
export const PRIV_PROTOCOLS = [
  'aes128',
  'aes192',
  'aes256',
  'aes192c',
  'aes256c',
  'des',
] as const satisfies readonly PrivProtocol[]
/** The server refuses shorter USM pass phrases (RFC 3414 asks for at least 8 characters). */
export const MIN_PASS_LENGTH = 8

export interface SwitchForm {
  site: string
  host: string
  role: GearRole
  version: SnmpVersion
  label: string
  /** v1 / v2c only. */
  community: string
  /** v3 only, from here down. */
  user: string
  auth: AuthProtocol
  authPass: string
  /** "" for no privacy (authNoPriv). */
  privacy: PrivProtocol | ''
  privPass: string
  context: string
}

export function emptySwitchForm(): SwitchForm {
  return {
    site: '',
    host: '',
    role: 'switch',
    version: '2c',
    label: '',
    community: '',
    user: '',
    auth: 'sha256',
    authPass: '',
    privacy: 'aes128',
    privPass: '',
    context: '',
  }
}

/** The POST /api/switches body: the community for v1/v2c, the USM user for v3, never both. */
export function switchBody(form: SwitchForm, defaultSite: string): NewSwitch {
  const body: NewSwitch = {
    site: form.site.trim() || defaultSite,
    host: form.host.trim(),
    role: form.role,
    snmp_version: form.version,
    label: form.label.trim(),
  }
  if (form.version !== '3') return { ...body, community: form.community }
  return {
    ...body,
    usm: {
      user: form.user.trim(),
      auth: form.auth,
      auth_pass: form.authPass,
      ...(form.privacy ? { privacy: form.privacy, priv_pass: form.privPass } : { privacy: null }),
      context: form.context.trim(),
    },
  }
}

/** Forgets every secret the form holds; called after each submission, whether it worked or not. */
export function clearSecrets(form: SwitchForm): void {
  form.community = ''
  form.authPass = ''
  form.privPass = ''
}

/** After a switch was added: the next one starts empty but keeps site, role and SNMP settings. */
export function resetAfterAdd(form: SwitchForm): void {
  clearSecrets(form)
  form.host = ''
  form.label = ''
}

/** "v2c", or "v3 bigr SHA256/AES128" (authNoPriv: "v3 bigr SHA256"). No secret is involved. */
export function snmpSummary(s: Pick<SwitchView, 'snmp_version' | 'snmp_user' | 'auth' | 'privacy'>): string {
  if (s.snmp_version !== '3') return `v${s.snmp_version}`
  const protocols = [s.auth, s.privacy].filter(Boolean).map((p) => p!.toUpperCase())
  return ['v3', s.snmp_user ?? '', protocols.join('/')].filter(Boolean).join(' ')
}

/** "10 office, 20 iot, 30" in id order (a VLAN without a name is its id alone). */
export function vlanNames(vlans: readonly VlanView[]): string {
  return [...vlans]
    .sort((a, b) => a.id - b.id)
    .map((v) => (v.name ? `${v.id} ${v.name}` : String(v.id)))
    .join(', ')
}

/** VLAN names by id over many switches (the first name a switch gives wins). */
export function vlanNameMap(switches: readonly Pick<SwitchView, 'vlans'>[]): Map<number, string> {
  const names = new Map<number, string>()
  for (const s of switches) for (const v of s.vlans ?? []) if (v.name && !names.has(v.id)) names.set(v.id, v.name)
  return names
}
