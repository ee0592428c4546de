import { describe, expect, it } from 'vitest'
import type { GearLink } from '../api'
import { gearNode, layer2Sample, placedDevice } from '../test/fixtures'
import {
  DOT_PITCH,
  MAX_DOT_COLUMNS,
  NODE_HEIGHT,
  comparePorts,
  devicesByGear,
  dotGrid,
  expandable,
  groupByPort,
  layer2Layout,
  subnet24,
  subnetGroups,
  type PlacedGear,
} from './layer2'

const CORE = 'gear:hq/10.0.0.1'
const A1 = 'gear:hq/10.0.0.2'
const A2 = 'gear:hq/10.0.0.3'

function byId(nodes: PlacedGear[]): Map<string, PlacedGear> {
  return new Map(nodes.map((p) => [p.node.id, p]))
}

/** Boxes of one row must not overlap. */
function assertNoOverlap(nodes: PlacedGear[]): void {
  const rows = new Map<number, PlacedGear[]>()
  for (const p of nodes) rows.set(p.depth, [...(rows.get(p.depth) ?? []), p])
  for (const row of rows.values()) {
    const sorted = [...row].sort((a, b) => a.box.x - b.box.x)
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!
      expect(sorted[i]!.box.x, `${prev.node.id} / ${sorted[i]!.node.id}`).toBeGreaterThanOrEqual(prev.box.x + prev.box.width)
    }
  }
}

describe('layer-2 layout', () => {
  it('grows the tree from the best-connected registered switch, heard neighbours below their switch', () => {
    const layout = layer2Layout(layer2Sample(), new Set())
    const at = byId(layout.nodes)
    expect(at.get(CORE)!.depth).toBe(0)
    expect(at.get(A1)!.depth).toBe(1)
    expect(at.get(A2)!.depth).toBe(1)
    expect(at.get('heard:hq/00:27:22:00:00:01')!.depth).toBe(2)
    // Children are centred under their parent, access switches in address order.
    expect(at.get(A1)!.x).toBeLessThan(at.get(A2)!.x)
    expect(at.get(CORE)!.x).toBeCloseTo((at.get(A1)!.x + at.get(A2)!.x) / 2)
    // Rows go down; everything is inside the drawing.
    expect(at.get(A1)!.y).toBeGreaterThan(at.get(CORE)!.y)
    for (const p of layout.nodes) {
      expect(p.box.x).toBeGreaterThanOrEqual(0)
      expect(p.box.x + p.box.width).toBeLessThanOrEqual(layout.width)
      expect(p.box.y + p.box.height).toBeLessThanOrEqual(layout.height)
    }
    assertNoOverlap(layout.nodes)
  })

  it('draws every link between known nodes with both port names, from edge to edge', () => {
    const graph = layer2Sample()
    const extra: GearLink = { source: A1, source_port: 'x', target: 'gear:hq/gone', target_port: 'y', protocol: 'lldp' }
    const loop: GearLink = { source: A1, source_port: 'x', target: A1, target_port: 'y', protocol: 'lldp' }
    const layout = layer2Layout({ ...graph, links: [...graph.links, extra, loop] }, new Set())
    expect(layout.links.map((l) => l.link)).toEqual(graph.links)
    const core = byId(layout.nodes).get(CORE)!
    const first = layout.links[0]!
    // Starts at the core's bottom edge, ends at the access switch's top edge.
    expect(first.path).toMatch(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+$/)
    const [x0, y0] = first.path.slice(1).split('L')[0]!.split(' ').map(Number)
    expect(y0).toBeCloseTo(core.y + NODE_HEIGHT / 2)
    expect(x0).toBeGreaterThan(core.x - core.width / 2)
    expect(first.sourceLabel.y).toBeLessThan(first.targetLabel.y)
  })

  it('spreads parallel links and the fan-out of a switch over its edge', () => {
    const graph = layer2Sample()
    const twin: GearLink = { ...graph.links[0]!, source_port: 'Te1/1/9', target_port: 'Te1/0/2' }
    const layout = layer2Layout({ ...graph, links: [...graph.links, twin] }, new Set())
    const starts = layout.links.filter((l) => l.link.source === CORE).map((l) => l.path.split('L')[0])
    expect(new Set(starts).size).toBe(starts.length)
    const a1Ends = [layout.links[0]!, layout.links[4]!].map((l) => l.path.split('L')[1])
    expect(a1Ends[0]).not.toBe(a1Ends[1])
  })

  it('arcs a link between two switches of one row instead of crossing the nodes between them', () => {
    const graph = layer2Sample()
    const ring: GearLink = { source: A1, source_port: 'Gi1/0/49', target: A2, target_port: 'Gi1/0/49', protocol: 'lldp' }
    const layout = layer2Layout({ ...graph, links: [...graph.links, ring] }, new Set())
    const arc = layout.links.find((l) => l.link === ring)!
    expect(arc.path).toContain('Q')
  })

  it('keeps devices collapsed until their switch is expanded, then draws them in port order under it', () => {
    const graph = layer2Sample()
    expect(layer2Layout(graph, new Set()).dots).toEqual([])
    expect(expandable(graph)).toEqual(new Set([A1, A2]))

    const layout = layer2Layout(graph, new Set([A1, 'heard:hq/00:27:22:00:00:01']))
    const a1 = byId(layout.nodes).get(A1)!
    expect(a1.expanded).toBe(true)
    // A node without devices does not open.
    expect(byId(layout.nodes).get('heard:hq/00:27:22:00:00:01')!.expanded).toBe(false)
    expect(layout.dots.map((d) => d.device.port)).toEqual(['Gi1/0/2', 'Gi1/0/2', 'Gi1/0/10'])
    for (const d of layout.dots) {
      expect(d.y).toBeGreaterThan(a1.y + NODE_HEIGHT / 2)
      expect(d.y).toBeLessThan(a1.box.y + a1.box.height)
    }
    // The grid makes the row taller, so the access point below still starts after it.
    const ap = byId(layout.nodes).get('heard:hq/00:27:22:00:00:01')!
    expect(ap.box.y).toBeGreaterThan(a1.box.y + a1.box.height)
  })

  it('stays bounded with thousands of devices on one switch', () => {
    const graph = layer2Sample()
    const many = Array.from({ length: 5000 }, (_, i) => placedDevice(1000 + i, A1, `Gi${Math.floor(i / 48)}/0/${i % 48}`))
    const collapsed = layer2Layout({ ...graph, devices: many }, new Set())
    expect(collapsed.dots).toHaveLength(0)
    expect(collapsed.nodes).toHaveLength(graph.nodes.length)
    const open = layer2Layout({ ...graph, devices: many }, new Set([A1]))
    expect(open.dots).toHaveLength(5000)
    const a1 = byId(open.nodes).get(A1)!
    expect(a1.box.width).toBe(MAX_DOT_COLUMNS * DOT_PITCH)
    assertNoOverlap(open.nodes)
  })

  it('puts unconnected nodes side by side and survives an empty graph', () => {
    const nodes = [gearNode('gear:hq/10.0.0.9'), gearNode('gear:hq/10.0.0.8'), gearNode('heard:hq/aa')]
    const layout = layer2Layout({ nodes, links: [], devices: [] }, new Set())
    expect(layout.nodes.map((p) => p.depth)).toEqual([0, 0, 0])
    // Registered first, in address order; the heard one after them.
    expect(layout.nodes.map((p) => p.node.id)).toEqual(['gear:hq/10.0.0.8', 'gear:hq/10.0.0.9', 'heard:hq/aa'])
    assertNoOverlap(layout.nodes)
    expect(layer2Layout({ nodes: [], links: [], devices: [] }, new Set())).toMatchObject({ nodes: [], links: [], dots: [] })
  })

  it('puts a router above the switches when both are equally connected', () => {
    const r = 'gear:hq/10.0.0.254'
    const s = 'gear:hq/10.0.0.1'
    const nodes = [gearNode(s), gearNode(r, { kind: 'router' })]
    const links: GearLink[] = [{ source: s, source_port: 'Gi0/1', target: r, target_port: 'ge-0/0/0', protocol: 'lldp' }]
    const at = byId(layer2Layout({ nodes, links, devices: [] }, new Set()).nodes)
    expect(at.get(r)!.depth).toBe(0)
    expect(at.get(s)!.depth).toBe(1)
  })
})

describe('devices by switch, port and subnet', () => {
  it('sorts ports the way switches number them', () => {
    expect(['Gi1/0/10', 'Gi1/0/2', 'Gi1/0/1'].sort(comparePorts)).toEqual(['Gi1/0/1', 'Gi1/0/2', 'Gi1/0/10'])
  })

  it('groups one switch’s devices by port', () => {
    const list = devicesByGear(layer2Sample().devices).get(A1)!
    expect(groupByPort(list).map((g) => [g.port, g.devices.map((d) => d.label)])).toEqual([
      ['Gi1/0/2', ['dev-11', 'dev-13']],
      ['Gi1/0/10', ['dev-12']],
    ])
  })

  it('groups the drawn devices by /24, in address order', () => {
    const devices = [
      placedDevice(1, A1, 'a', { ip: '10.0.1.5' }),
      placedDevice(2, A2, 'b', { ip: '10.0.0.7' }),
      placedDevice(3, A1, 'c', { ip: '10.0.1.200' }),
      placedDevice(4, A1, 'd', { ip: 'fe80::1' }),
      placedDevice(5, A2, 'e', { ip: '9.9.9.9' }),
    ]
    expect(subnetGroups(devices)).toEqual([
      { cidr: '9.9.9.0/24', devices: 1, gear: [A2] },
      { cidr: '10.0.0.0/24', devices: 1, gear: [A2] },
      { cidr: '10.0.1.0/24', devices: 2, gear: [A1] },
      { cidr: '', devices: 1, gear: [A1] },
    ])
    expect(subnet24('192.168.1.77')).toBe('192.168.1.0/24')
    expect(subnet24('300.1.1.1')).toBe('')
  })

  it('sizes the dot grid', () => {
    expect(dotGrid(0)).toEqual({ columns: 0, rows: 0 })
    expect(dotGrid(1)).toEqual({ columns: 1, rows: 1 })
    expect(dotGrid(48)).toEqual({ columns: 10, rows: 5 })
    expect(dotGrid(5000).columns).toBe(MAX_DOT_COLUMNS)
  })
})
