import { describe, expect, it } from 'vitest'
import type { Edge, Node, Topology } from '../api'
import {
  ROOT_ID,
  allContainers,
  buildTree,
  compareAddresses,
  defaultExpanded,
  groupBreakdown,
  mappedPorts,
  radialLayout,
  switchNodeId,
  type TreeNode,
} from './topology'

function node(id: string, kind: string, patch: Partial<Node> = {}): Node {
  return { id, kind, label: id, site: 'hq', ...patch }
}
const edge = (source: string, target: string, kind = 'contains', label: string | null = null): Edge => ({
  source,
  target,
  kind,
  label,
})

/** One site, one subnet with a gateway and `devices` devices, one switch with a device. */
function sample(devices = 3): Topology {
  const nodes = [
    node('site:hq', 'site'),
    node('subnet:hq/10.0.0.0/24', 'subnet'),
    node('switch:hq/sw1', 'switch', { label: 'sw1' }),
    node('asset:gw', 'gateway', { ip: '10.0.0.1', category: 'ag_ve_sistemler', asset_id: 'gw' }),
    node('asset:cam', 'device', { ip: '10.0.0.50', category: 'iot', asset_id: 'cam', switch_port: 'Gi0/3' }),
  ]
  const edges = [
    edge('site:hq', 'subnet:hq/10.0.0.0/24'),
    edge('site:hq', 'switch:hq/sw1', 'uplink'),
    edge('subnet:hq/10.0.0.0/24', 'asset:gw', 'gateway'),
    edge('switch:hq/sw1', 'asset:cam', 'port', 'Gi0/3'),
  ]
  for (let i = 0; i < devices; i++) {
    nodes.push(node(`asset:d${i}`, 'device', { ip: `10.0.0.${100 + i}`, category: 'uygulamalar', asset_id: `d${i}` }))
    edges.push(edge('subnet:hq/10.0.0.0/24', `asset:d${i}`))
  }
  return { nodes, edges, node_kinds: {}, assets: nodes.length - 3, devices_omitted: 0 }
}

function find(root: TreeNode, id: string): TreeNode | undefined {
  if (root.id === id) return root
  for (const c of root.children) {
    const hit = find(c, id)
    if (hit) return hit
  }
  return undefined
}

describe('buildTree', () => {
  it('hangs sites off a virtual root and follows the edges', () => {
    const root = buildTree(sample())
    expect(root.id).toBe(ROOT_ID)
    expect(root.children.map((c) => c.id)).toEqual(['site:hq'])
    const site = root.children[0]!
    // Subnets before switches, as KIND_ORDER says.
    expect(site.children.map((c) => c.kind)).toEqual(['subnet', 'switch'])
    expect(find(root, 'switch:hq/sw1')!.children.map((c) => c.id)).toEqual(['asset:cam'])
  })

  it('counts devices and gateways below every node', () => {
    const root = buildTree(sample(3))
    expect(root.deviceCount).toBe(5)
    expect(find(root, 'subnet:hq/10.0.0.0/24')!.deviceCount).toBe(4)
  })

  it('orders devices by address numerically', () => {
    const t: Topology = {
      ...sample(0),
      nodes: [
        node('site:hq', 'site'),
        ...['10.0.0.10', '10.0.0.9', '10.0.0.100'].map((ip) => node(`asset:${ip}`, 'device', { ip })),
      ],
      edges: ['10.0.0.10', '10.0.0.9', '10.0.0.100'].map((ip) => edge('site:hq', `asset:${ip}`)),
    }
    expect(buildTree(t).children[0]!.children.map((c) => c.ip)).toEqual(['10.0.0.9', '10.0.0.10', '10.0.0.100'])
  })

  it('survives cycles, duplicate parents and dangling edges', () => {
    const t: Topology = {
      nodes: [node('a', 'subnet'), node('b', 'switch'), node('c', 'device')],
      edges: [edge('a', 'b'), edge('b', 'a'), edge('a', 'c'), edge('b', 'c'), edge('ghost', 'c'), edge('a', 'a')],
      node_kinds: {},
      assets: 1,
      devices_omitted: 0,
    }
    const root = buildTree(t)
    const ids: string[] = []
    const walk = (n: TreeNode): void => {
      ids.push(n.id)
      n.children.forEach(walk)
    }
    walk(root)
    expect(ids.sort()).toEqual([ROOT_ID, 'a', 'b', 'c'].sort()) // every node exactly once
  })
})

describe('expansion helpers', () => {
  it('expands the root and sites by default, so subnets start collapsed', () => {
    const root = buildTree(sample())
    expect([...defaultExpanded(root)].sort()).toEqual([ROOT_ID, 'site:hq'].sort())
    expect([...allContainers(root)].sort()).toEqual([ROOT_ID, 'site:hq', 'subnet:hq/10.0.0.0/24', 'switch:hq/sw1'].sort())
  })

  it('summarises the groups hidden under a node', () => {
    const root = buildTree(sample(2))
    expect(groupBreakdown(find(root, 'subnet:hq/10.0.0.0/24')!)).toEqual({ ag_ve_sistemler: 1, uygulamalar: 2 })
  })
})

describe('radialLayout', () => {
  it('puts a single site in the centre and draws only expanded children', () => {
    const root = buildTree(sample(3))
    const layout = radialLayout(root, defaultExpanded(root))
    const ids = layout.nodes.map((p) => p.node.id)
    expect(ids).toEqual(['site:hq', 'subnet:hq/10.0.0.0/24', 'switch:hq/sw1'])
    const centre = layout.nodes[0]!
    expect([centre.x, centre.y]).toEqual([0, 0])
    expect(layout.nodes.slice(1).every((p) => p.collapsed)).toBe(true)
    expect(layout.edges).toHaveLength(2)
  })

  it('places children of an expanded node on the next ring', () => {
    const root = buildTree(sample(3))
    const expanded = new Set([...defaultExpanded(root), 'subnet:hq/10.0.0.0/24'])
    const layout = radialLayout(root, expanded, { ringGap: 100 })
    const subnet = layout.nodes.find((p) => p.node.id === 'subnet:hq/10.0.0.0/24')!
    const devices = layout.nodes.filter((p) => p.depth === 2)
    expect(subnet.collapsed).toBe(false)
    expect(devices).toHaveLength(4)
    for (const d of devices) expect(Math.hypot(d.x, d.y)).toBeCloseTo(200)
    expect(Math.hypot(subnet.x, subnet.y)).toBeCloseTo(100)
  })

  it('keeps neighbours on a crowded ring at least minSpacing apart', () => {
    const root = buildTree(sample(2000))
    const layout = radialLayout(root, allContainers(root), { ringGap: 50, minSpacing: 12 })
    const ring = layout.nodes
      .filter((p) => p.depth === 2)
      .map((p) => Math.atan2(p.y, p.x))
      .sort((a, b) => a - b)
    const radius = Math.hypot(layout.nodes.find((p) => p.depth === 2)!.x, layout.nodes.find((p) => p.depth === 2)!.y)
    let minGap = Infinity
    for (let i = 1; i < ring.length; i++) minGap = Math.min(minGap, ring[i]! - ring[i - 1]!)
    expect(radius * minGap).toBeGreaterThanOrEqual(12 - 1e-6)
    expect(layout.radius).toBeGreaterThanOrEqual(radius)
  })

  it('lays out thousands of devices quickly', () => {
    const root = buildTree(sample(5000))
    const started = performance.now()
    const layout = radialLayout(root, allContainers(root))
    expect(layout.nodes.length).toBe(5000 + 5)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('uses the virtual root as the centre when there are several sites', () => {
    const t = sample(0)
    t.nodes.push(node('site:branch', 'site', { site: 'branch' }))
    const root = buildTree(t, 'All sites')
    const layout = radialLayout(root, defaultExpanded(root))
    expect(layout.nodes[0]!.node.id).toBe(ROOT_ID)
    expect(layout.nodes[0]!.node.label).toBe('All sites')
    expect(
      layout.nodes
        .filter((p) => p.depth === 1)
        .map((p) => p.node.id)
        .sort(),
    ).toEqual(['site:branch', 'site:hq'])
  })
})

describe('mappedPorts', () => {
  it('lists the devices on each switch port', () => {
    const ports = mappedPorts(sample())
    expect(ports.get(switchNodeId('hq', 'sw1'))).toEqual([{ port: 'Gi0/3', assetId: 'cam', ip: '10.0.0.50', label: 'asset:cam' }])
  })
})

describe('compareAddresses', () => {
  it('sorts IPv4 numerically and anything else naturally', () => {
    expect(['10.0.0.10', '10.0.0.9', '9.255.0.1'].sort(compareAddresses)).toEqual(['9.255.0.1', '10.0.0.9', '10.0.0.10'])
    expect(['fe80::10', 'fe80::9'].sort(compareAddresses)).toEqual(['fe80::9', 'fe80::10'])
  })
})
