import { describe, expect, it } from 'vitest'
import {
  deviceFacts,
  ipv6Rows,
  isLinkLocalIpv6,
  knownSnmp,
  namesByPrecedence,
  portsWithServices,
  sortEvidence,
} from './assetDetail'

describe('asset detail JSON', () => {
  it('orders evidence strongest first, a missing weight last', () => {
    const evidence = sortEvidence([
      { rule: 'port:9100', value: '9100', category: 'uygulamalar', device_type: 'printer', weight: 0.4 },
      { rule: 'mdns:_ipp._tcp', value: '_ipp._tcp' },
      { rule: 'vendor:hikvision', value: 'Hikvision', category: 'iot', weight: 0.9 },
    ])
    expect(evidence.map((e) => e.rule)).toEqual(['vendor:hikvision', 'port:9100', 'mdns:_ipp._tcp'])
  })

  it('lists every open port once, with or without a service, by port then protocol', () => {
    const rows = portsWithServices(
      [22, 80, 443],
      [
        { port: 443, name: 'https', tls: true, http_title: '<script>alert(1)</script>' },
        { port: 161, protocol: 'udp', name: 'snmp' },
        { port: 22, protocol: 'tcp', product: 'OpenSSH', version: '9.6' },
      ],
    )
    expect(rows.map((r) => [r.port, r.protocol, 'unknown' in r])).toEqual([
      [22, 'tcp', false],
      [80, 'tcp', true],
      [161, 'udp', false],
      [443, 'tcp', false],
    ])
    expect(rows[3]).toMatchObject({ tls: true, http_title: '<script>alert(1)</script>' })
  })

  it('keeps SNMP facts only when one is known', () => {
    expect(knownSnmp({ sys_name: 'sw1', sys_descr: 'Cisco IOS' })).toEqual({ sys_name: 'sw1', sys_descr: 'Cisco IOS' })
    expect(knownSnmp({ sys_name: null, sys_descr: '' })).toBeNull()
    expect(knownSnmp({})).toBeNull()
    expect(knownSnmp(null)).toBeNull()
    expect(knownSnmp(undefined)).toBeNull()
  })

  it('orders names by source precedence and marks the one that became the hostname', () => {
    const names = namesByPrecedence(
      [
        { name: 'Living Room TV', source: 'upnp' },
        { name: 'PC-7', source: 'netbios' },
        { name: 'pc-7.corp.example', source: 'smb' },
        { name: 'pc-7.corp.example', source: 'tls' },
        { name: 'pc7.local', source: 'mdns' },
      ],
      'pc-7.corp.example',
    )
    expect(names.map((n) => [n.source, n.chosen])).toEqual([
      ['smb', true],
      ['mdns', false],
      ['netbios', false],
      ['tls', false],
      ['upnp', false],
    ])
    expect(namesByPrecedence([{ name: 'a', source: 'dns' }], null).some((n) => n.chosen)).toBe(false)
    expect(namesByPrecedence([], 'a')).toEqual([])
  })

  it('lists the device facts that are known, in display order', () => {
    const facts = deviceFacts({
      domain: 'CORP',
      os: 'Windows 10 (build 19045)',
      serial: '  ',
      model: 'HP LaserJet Pro M404dn',
      manufacturer: null,
    })
    expect(facts.map((f) => [f.field, f.labelKey, f.value])).toEqual([
      ['model', 'asset.deviceModel', 'HP LaserJet Pro M404dn'],
      ['os', 'asset.deviceOs', 'Windows 10 (build 19045)'],
      ['domain', 'asset.deviceDomain', 'CORP'],
    ])
    expect(deviceFacts({})).toEqual([])
    expect(deviceFacts(null)).toEqual([])
    expect(deviceFacts(undefined)).toEqual([])
  })

  it('tells link-local IPv6 addresses (fe80::/10) from the others', () => {
    for (const a of ['fe80::1', 'FE80::1A2B:3C4D:5E6F:7A8B', 'fe80::1%eth0', 'febf::1', 'fe80:0:0:0:0:0:0:1', ' fe80::2 ']) {
      expect(isLinkLocalIpv6(a), a).toBe(true)
    }
    for (const a of ['2001:db8::1', 'fec0::1', 'fe7f::1', 'fd00::1', 'ff02::1', '::1', '::', 'fe8::1', 'fe80', '10.0.0.7', '']) {
      expect(isLinkLocalIpv6(a), a).toBe(false)
    }
  })

  it('keeps the IPv6 addresses in the server order, link-local ones marked, blanks left out', () => {
    expect(ipv6Rows(['2001:db8::7', 'fe80::7', ' ', 'fd00::7'])).toEqual([
      { address: '2001:db8::7', linkLocal: false },
      { address: 'fe80::7', linkLocal: true },
      { address: 'fd00::7', linkLocal: false },
    ])
    expect(ipv6Rows([])).toEqual([])
  })
})
