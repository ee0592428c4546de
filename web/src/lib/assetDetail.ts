// Helpers for the JSON columns of /api/assets/{id}: `evidence`, `services`, `mdns_services`,
// `snmp`, `names` and `device_info`, and for its `ipv6` addresses. Their shapes are in openapi.json (Rust structs Evidence,
// Service and SnmpFacts in src/model/report.rs, SeenName and DeviceInfo in src/model/names.rs),
// so the generated types describe them; these helpers only order them and fill in the
// server's defaults. Everything in them came off the network: the views render it as text,
// never as HTML.

import type { DeviceInfo, Evidence, NameSource, SeenName, Service, SnmpFacts } from '../api'
import type { MessageKey } from '../i18n/locales'

/** Classification evidence, strongest first (a missing weight counts as 0). */
export function sortEvidence(evidence: readonly Evidence[]): Evidence[] {
  return [...evidence].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))
}

/** The SNMP facts when at least one of them is known, else null. */
export function knownSnmp(snmp: SnmpFacts | null | undefined): SnmpFacts | null {
  return snmp && (snmp.sys_name || snmp.sys_descr || snmp.sys_object_id) ? snmp : null
}

/** A service with its protocol filled in (`tcp` when the server left it out). */
export type ServiceRow = Service & { protocol: string }

/** An open port on which no service was identified. */
export interface BarePort {
  port: number
  protocol: string
  unknown: true
}

/**
 * Open ports with their service when one was identified, by port then protocol: every open
 * port appears once, even when the scan found no service on it.
 */
export function portsWithServices(openPorts: readonly number[], services: readonly Service[]): (ServiceRow | BarePort)[] {
  const byPort = new Map<number, ServiceRow[]>()
  for (const s of services) byPort.set(s.port, [...(byPort.get(s.port) ?? []), { ...s, protocol: s.protocol ?? 'tcp' }])
  const ports = [...new Set([...openPorts, ...services.map((s) => s.port)])].sort((a, b) => a - b)
  return ports.flatMap((port): (ServiceRow | BarePort)[] => {
    const found = byPort.get(port)
    return found ? found.sort((a, b) => a.protocol.localeCompare(b.protocol)) : [{ port, protocol: 'tcp', unknown: true }]
  })
}

/** Name sources by precedence: the hostname is the first name of the earliest source. */
export const NAME_SOURCES: readonly NameSource[] = ['dns', 'smb', 'mdns', 'netbios', 'llmnr', 'snmp', 'dhcp', 'tls', 'upnp']

/** A name seen for the asset; `chosen` marks the one that became its hostname. */
export type NameRow = SeenName & { chosen: boolean }

/**
 * The names by source precedence (in the server's order within a source), the first one
 * equal to `hostname` marked as chosen.
 */
export function namesByPrecedence(names: readonly SeenName[], hostname: string | null | undefined): NameRow[] {
  const rank = (n: SeenName) => {
    const i = NAME_SOURCES.indexOf(n.source)
    return i < 0 ? NAME_SOURCES.length : i
  }
  const sorted = [...names].sort((a, b) => rank(a) - rank(b))
  const chosen = hostname ? sorted.findIndex((n) => n.name === hostname) : -1
  return sorted.map((n, i) => ({ ...n, chosen: i === chosen }))
}

/**
 * Every DeviceInfo field with its label, in the order the page shows them (the Record makes
 * TypeScript ask for a label when the server adds a field).
 */
const DEVICE_FACT_LABELS: Record<keyof DeviceInfo, MessageKey> = {
  manufacturer: 'asset.deviceManufacturer',
  model: 'asset.deviceModel',
  model_number: 'asset.deviceModelNumber',
  serial: 'asset.deviceSerial',
  upnp_type: 'asset.deviceUpnpType',
  os: 'asset.deviceOs',
  domain: 'asset.deviceDomain',
  dhcp_vendor_class: 'asset.deviceDhcpVendorClass',
  dhcp_fingerprint: 'asset.deviceDhcpFingerprint',
  dhcp_client_id: 'asset.deviceDhcpClientId',
}

export interface DeviceFact {
  field: keyof DeviceInfo
  labelKey: MessageKey
  value: string
}

/** What the device reports about itself: the non-empty fields, in display order. */
export function deviceFacts(info: DeviceInfo | null | undefined): DeviceFact[] {
  return (Object.keys(DEVICE_FACT_LABELS) as (keyof DeviceInfo)[]).flatMap((field) => {
    const value = info?.[field]?.trim()
    return value ? [{ field, labelKey: DEVICE_FACT_LABELS[field], value }] : []
  })
}

/**
 * Whether an IPv6 address is link-local (fe80::/10: a first group of fe80 to febf). Anything
 * that is not an IPv6 address with a hexadecimal first group is not.
 */
export function isLinkLocalIpv6(address: string): boolean {
  const text = address.trim()
  const first = text.split(':', 1)[0] ?? ''
  if (!text.includes(':') || !/^[0-9a-f]{1,4}$/i.test(first)) return false
  return (parseInt(first, 16) & 0xffc0) === 0xfe80
}

/** An IPv6 address of the asset; `linkLocal` marks the fe80::/10 ones. */
export interface Ipv6Row {
  address: string
  linkLocal: boolean
}

/** The asset's IPv6 addresses in the server's order (newest first), blanks left out. */
export function ipv6Rows(addresses: readonly string[]): Ipv6Row[] {
  return addresses.flatMap((a) => {
    const address = a.trim()
    return address ? [{ address, linkLocal: isLinkLocalIpv6(address) }] : []
  })
}
