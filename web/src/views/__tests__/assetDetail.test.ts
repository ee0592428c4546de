import { describe, expect, it } from 'vitest'
import { ADMIN, VIEWER, json } from '../../test/fakeApi'
import { asset, assetPage, change, uuid } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const ID = uuid(7)
const PATH = `/api/assets/${ID}`

function detail(patch: Parameters<typeof assetPage>[1] = {}) {
  return assetPage(7, {
    hostname: 'cam-<script>',
    evidence: [{ rule: 'vendor:hikvision', value: '<b>Hikvision</b>', category: 'iot', device_type: 'camera', weight: 0.9 }],
    services: [{ port: 80, protocol: 'tcp', name: 'http', http_title: '<img src=x onerror=alert(1)>' }],
    mdns_services: ['<i>printer</i>._ipp._tcp.local'],
    snmp: { sys_name: '<u>cam-1</u>', sys_descr: 'Hikvision DS-2CD', sys_object_id: null },
    open_ports: [80, 554],
    changes: [change(7, { change_type: 'field_changed', field: 'hostname', old_value: 'a', new_value: 'cam' })],
    ...patch,
  })
}

describe('AssetDetailView', () => {
  it('shows identity, evidence, services and history as text', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, { session: VIEWER, routes: { [`GET ${PATH}`]: detail() } })
    const page = wrapper.get('[data-test="asset-detail"]')
    expect(page.attributes('data-asset-id')).toBe(ID)
    expect(wrapper.get('h1').text()).toBe('cam-<script> (10.0.0.7)')
    expect(wrapper.get('[data-test="evidence-row"]').text()).toContain('<b>Hikvision</b>')
    const services = wrapper.findAll('[data-test="service-row"]')
    expect(services.map((r) => r.get('td').text())).toEqual(['80', '554'])
    expect(services[0]!.text()).toContain('<img src=x onerror=alert(1)>')
    expect(page.find('img').exists()).toBe(false)
    expect(page.find('b').exists()).toBe(false)
    expect(page.text()).toContain('<i>printer</i>._ipp._tcp.local')
    expect(page.text()).toContain('<u>cam-1</u>')
    expect(page.text()).toContain('Hikvision DS-2CD')
    expect(page.find('i').exists()).toBe(false)
    expect(page.find('u').exists()).toBe(false)
    expect(wrapper.get('[data-test="change-row"]').text()).toContain('hostname: a → cam')
    expect(wrapper.get('[data-test="asset-sensitivity"]').text()).toBe('safe')
  })

  it('lists the names with their source, the chosen one marked, and what the device reports', async () => {
    const routes = {
      [`GET ${PATH}`]: detail({
        hostname: 'pc-7.corp.example',
        names: [
          { name: '<b>Living Room</b>', source: 'upnp' },
          { name: 'PC-7', source: 'netbios' },
          { name: 'pc-7.corp.example', source: 'smb' },
        ],
        device_info: { os: 'Windows 10 (build 19045)', domain: 'CORP', model: '<i>LaserJet</i>', serial: '' },
      }),
    }
    const { wrapper } = await mountApp(`/assets/${ID}`, { session: VIEWER, routes })
    const names = wrapper.findAll('[data-test="asset-name"]')
    expect(names.map((n) => n.attributes('data-source'))).toEqual(['smb', 'netbios', 'upnp'])
    expect(names[0]!.text()).toContain('pc-7.corp.example')
    expect(names[0]!.text()).toContain('SMB')
    expect(names[1]!.text()).toContain('NetBIOS')
    expect(names[2]!.text()).toContain('<b>Living Room</b>')
    expect(wrapper.findAll('[data-test="asset-name-chosen"]')).toHaveLength(1)
    expect(names[0]!.find('[data-test="asset-name-chosen"]').text()).toBe('chosen name')
    const facts = wrapper.get('[data-test="device-info"]')
    expect(facts.get('h2').text()).toBe('Reported by the device')
    const rows = facts.findAll('[data-test="device-fact"]')
    expect(rows.map((r) => [r.get('dt').text(), r.get('dd').text()])).toEqual([
      ['Model', '<i>LaserJet</i>'],
      ['Operating system', 'Windows 10 (build 19045)'],
      ['Domain / workgroup', 'CORP'],
    ])
    expect(wrapper.find('[data-test="asset-names"] b').exists()).toBe(false)
    expect(facts.find('i').exists()).toBe(false)
  })

  it('shows no names or device block when the server has none', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, {
      session: VIEWER,
      routes: { [`GET ${PATH}`]: detail({ names: [], device_info: { serial: '' } }) },
    })
    expect(wrapper.find('[data-test="asset-names"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="device-info"]').exists()).toBe(false)
  })

  it('lists the IPv6 addresses one per line, link-local ones marked', async () => {
    const routes = { [`GET ${PATH}`]: detail({ ipv6: ['2001:db8::7', 'fe80::1a2b:3c4d:5e6f:7a8b', '<b>fd00::7</b>'] }) }
    const { wrapper } = await mountApp(`/assets/${ID}`, { session: VIEWER, routes })
    const block = wrapper.get('[data-test="asset-ipv6"]')
    expect(block.get('dt').text()).toBe('IPv6 addresses')
    const rows = block.findAll('[data-test="asset-ipv6-address"]')
    expect(rows.map((r) => r.get('.mono').text())).toEqual(['2001:db8::7', 'fe80::1a2b:3c4d:5e6f:7a8b', '<b>fd00::7</b>'])
    expect(rows.map((r) => r.attributes('data-link-local'))).toEqual(['false', 'true', 'false'])
    expect(rows.map((r) => r.find('[data-test="asset-ipv6-link-local"]').exists())).toEqual([false, true, false])
    expect(rows[1]!.get('[data-test="asset-ipv6-link-local"]').text()).toBe('link-local')
    expect(block.find('b').exists()).toBe(false)
  })

  it('shows the switch port and the VLAN, which opens the inventory of that VLAN', async () => {
    const routes = { [`GET ${PATH}`]: detail({ switch_host: '10.0.0.2', switch_port: 'Gi1/0/7', vlan: 20 }) }
    const { wrapper } = await mountApp(`/assets/${ID}?site=hq`, { session: VIEWER, routes })
    expect(wrapper.text()).toContain('10.0.0.2 Gi1/0/7')
    expect(wrapper.get('[data-test="asset-vlan"]').attributes('href')).toBe('/assets?site=hq&vlan=20')
  })

  it('shows no IPv6 block when the asset has no IPv6 address', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, { session: VIEWER, routes: { [`GET ${PATH}`]: detail({ ipv6: [] }) } })
    expect(wrapper.find('[data-test="asset-detail"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="asset-ipv6"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('IPv6')
  })

  it('hides the tag form from viewers', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, { session: VIEWER, routes: { [`GET ${PATH}`]: detail() } })
    expect(wrapper.find('[data-test="tag-category"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="tag-submit"]').exists()).toBe(false)
  })

  it('lets an admin tag with a note (PUT per TagRequest, CSRF) and then reloads', async () => {
    let tagged = false
    const { wrapper, server } = await mountApp(`/assets/${ID}`, {
      session: ADMIN,
      routes: {
        [`GET ${PATH}`]: () =>
          tagged ? detail({ manual_category: 'iot', category: 'iot', manual_note: 'lobby camera' }) : detail(),
        [`PUT ${PATH}/tag`]: () => {
          tagged = true
          return asset(7, { manual_category: 'iot' })
        },
      },
    })
    await wrapper.get('[data-test="tag-category"]').setValue('iot')
    await wrapper.get('[data-test="tag-note"]').setValue('  lobby camera ')
    await wrapper.get('[data-test="tag-submit"]').trigger('submit')
    await settle()
    const [put] = server.callsTo(`PUT ${PATH}/tag`)
    expect(put!.body).toEqual({ category: 'iot', note: 'lobby camera' })
    expect(put!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    expect(server.callsTo(`GET ${PATH}`)).toHaveLength(2)
    expect(wrapper.get('[data-test="tag-current"]').text()).toContain('IoT')
    expect(wrapper.find('[data-test="untag"]').exists()).toBe(true)
  })

  it('untags with DELETE and shows a refusal from the server', async () => {
    const { wrapper, server } = await mountApp(`/assets/${ID}`, {
      session: ADMIN,
      routes: {
        [`GET ${PATH}`]: detail({ manual_category: 'iot' }),
        [`DELETE ${PATH}/tag`]: json(403, { error: 'admin role required' }),
      },
    })
    await wrapper.get('[data-test="untag"]').trigger('click')
    await settle()
    expect(server.callsTo(`DELETE ${PATH}/tag`)).toHaveLength(1)
    expect(wrapper.get('[data-test="tag-error"]').text()).toBe('Only administrators can do this.')
  })

  it('shows a 404 as an error state, not a blank page', async () => {
    const { wrapper } = await mountApp(`/assets/${ID}`, {
      session: VIEWER,
      routes: { [`GET ${PATH}`]: json(404, { error: `asset ${ID} not found` }) },
    })
    expect(wrapper.get('[data-test="state-error"]').text()).toContain('not found')
    expect(wrapper.get('[data-page="asset"]').attributes('data-ready')).toBe('true')
  })
})
