// Starts a throwaway `bigr serve` on 127.0.0.1 (fresh BIGR_HOME, SQLite, a release public key)
// and stops it again.
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

export const ADMIN_USER = 'admin'

/** The binary under test: $BIGR_BIN (CI sets it to the freshly built target/debug/bigr). */
export function bigrBin() {
  const bin = process.env.BIGR_BIN
  if (!bin) throw new Error('set BIGR_BIN to the bigr binary to test (e.g. $CARGO_TARGET_DIR/debug/bigr)')
  if (!existsSync(bin)) throw new Error(`BIGR_BIN=${bin} does not exist`)
  return bin
}

/** A TCP port nobody listens on right now (the kernel picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * The release public key every test server gets (BIGR_RELEASE_PUBLIC_KEY): 32 bytes 0x00…0x1f.
 * The server accepts any 32-byte Ed25519 key; with one it serves the agent install script
 * (GET /api/install.sh) that the enrollment dialog shows. Nothing is ever signed with it.
 */
export const RELEASE_PUBLIC_KEY = 'bigr-ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Servers still running if the suite is interrupted (Ctrl+C, a CI timeout): killed on the way out.
const running = new Set()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL')
    process.exit(130)
  })
}

/**
 * Starts the server and waits (at most `timeoutMs`) for GET /api/health → 200.
 * `args` go after `serve …` (e.g. `['--demo']`, which loads the demo site before listening).
 * Returns { url, password, stop() }; stop() kills it and removes its home. The server's
 * output goes to `logFile`.
 */
export async function startServer({ logFile, args = [], timeoutMs = 30_000 } = {}) {
  const bin = bigrBin()
  const home = mkdtempSync(join(tmpdir(), 'bigr-e2e-'))
  const password = `e2e-${randomBytes(9).toString('base64url')}`
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = { ...process.env, BIGR_HOME: home, BIGR_ADMIN_PASSWORD: password, BIGR_RELEASE_PUBLIC_KEY: RELEASE_PUBLIC_KEY }
  delete env.DATABASE_URL // always the SQLite file in BIGR_HOME
  const child = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', String(port), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const log = logFile ? createWriteStream(logFile) : null
  const tail = []
  const keep = (chunk) => {
    log?.write(chunk)
    tail.push(chunk.toString())
    if (tail.length > 50) tail.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  running.add(child)
  let exited = null
  const exitPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child)
      resolve((exited = { code, signal }))
    }),
  )

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM')
      const done = await Promise.race([exitPromise, sleep(5000).then(() => null)])
      if (!done) {
        child.kill('SIGKILL')
        await Promise.race([exitPromise, sleep(2000)])
      }
    }
    log?.end()
    rmSync(home, { recursive: true, force: true })
  }

  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      if (exited) throw new Error(`bigr serve exited early (${JSON.stringify(exited)}):\n${tail.join('')}`)
      try {
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) })
        if (res.status === 200) break
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`bigr serve not healthy after ${timeoutMs} ms:\n${tail.join('')}`)
      await sleep(100)
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { url, password, home, stop }
}
