import { describe, expect, it } from 'vitest'
import { deviceFacts, knownSnmp, namesByPrecedence, portsWithServices, sortEvidence } from './assetDetail'

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
})
