import { describe, expect, it } from 'vitest'
import {
  MANIFEST_HEADER,
  base64Utf8,
  compareVersions,
  formatBytes,
  releaseUpload,
  shortSha,
  sortedVersions,
  updateBadge,
  versionSummary,
} from './releases'

describe('sortedVersions (the versions summary)', () => {
  it('orders versions numerically, agents that never said last, and drops empty counts', () => {
    const counts = [
      { version: null, agents: 2 },
      { version: '0.10.0', agents: 1 },
      { version: '0.2.0', agents: 3 },
      { version: '0.1.0', agents: 12 },
      { version: '0.3.0', agents: 0 },
    ]
    expect(sortedVersions(counts)).toEqual([
      { version: '0.1.0', agents: 12 },
      { version: '0.2.0', agents: 3 },
      { version: '0.10.0', agents: 1 },
      { version: null, agents: 2 },
    ])
    expect(versionSummary(counts, 'unknown')).toBe('0.1.0 ×12 · 0.2.0 ×3 · 0.10.0 ×1 · unknown ×2')
    expect(versionSummary([], 'unknown')).toBe('')
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0)
    expect(compareVersions('1.0', '1.0.1')).toBeLessThan(0)
  })
})

describe('updateBadge', () => {
  it('shows nothing for an agent that never updated', () => {
    expect(updateBadge({ update_state: null })).toBeNull()
    expect(updateBadge({})).toBeNull()
  })

  it('gives each state its tone, and a reason only to a refusal or a rollback', () => {
    expect(updateBadge({ update_state: 'updating', update_version: '0.2.0', update_reason: 'x' })).toEqual({
      state: 'updating',
      tone: '',
      version: '0.2.0',
      reason: null,
    })
    expect(updateBadge({ update_state: 'updated', update_version: '0.2.0' })?.tone).toBe('ok')
    expect(updateBadge({ update_state: 'refused', update_reason: 'bad signature' })).toMatchObject({
      tone: 'warn',
      reason: 'bad signature',
    })
    expect(updateBadge({ update_state: 'rolled_back', update_reason: 'no heartbeat' })).toMatchObject({
      tone: 'danger',
      reason: 'no heartbeat',
    })
    // A newer server's state: shown plain.
    expect(updateBadge({ update_state: 'verifying' })).toMatchObject({ state: 'verifying', tone: '' })
  })
})

describe('the release upload', () => {
  it('base64-encodes UTF-8 text (btoa alone would refuse it)', () => {
    expect(base64Utf8('{"v":1}')).toBe('eyJ2IjoxfQ==')
    const text = '{"note":"sürüm ğüşiöç ✓"}'
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(base64Utf8(text)), (c) => c.charCodeAt(0)))
    expect(decoded).toBe(text)
  })

  it('sends the binary as it is and the manifest, base64, in X-Release-Manifest', async () => {
    const binary = new Blob([new Uint8Array([0, 1, 2, 255])])
    const manifest = new Blob(['{"version":"0.2.0"}\n'])
    const upload = await releaseUpload(binary, manifest)
    expect(upload.body).toBe(binary)
    expect(MANIFEST_HEADER).toBe('X-Release-Manifest')
    expect(upload.headers).toEqual({ 'X-Release-Manifest': base64Utf8('{"version":"0.2.0"}') })
  })
})

describe('release formatting', () => {
  it('shortens a SHA-256 and sizes in binary units', () => {
    expect(shortSha('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`)
    expect(shortSha('abc')).toBe('abc')
    expect(formatBytes(512, 'en')).toBe('512 B')
    expect(formatBytes(1536, 'en')).toBe('1.5 KiB')
    expect(formatBytes(7 * 1024 * 1024, 'en')).toBe('7 MiB')
  })
})
