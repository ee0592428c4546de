import { describe, expect, it, vi } from 'vitest'
import { copyText } from './clipboard'

describe('copyText', () => {
  it('uses the Clipboard API when there is one', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard)
    await expect(copyText('bigr agent register …')).resolves.toBe(true)
    expect(writeText).toHaveBeenCalledWith('bigr agent register …')
  })

  it('falls back to a selected textarea and execCommand when the API is missing or refuses', async () => {
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({
      writeText: async () => {
        throw new DOMException('denied', 'NotAllowedError')
      },
    } as unknown as Clipboard)
    let copied = ''
    const exec = vi.fn((command: string) => {
      copied = document.querySelector('textarea')?.value ?? ''
      return command === 'copy'
    })
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true })
    await expect(copyText('token-1')).resolves.toBe(true)
    expect(exec).toHaveBeenCalledWith('copy')
    expect(copied).toBe('token-1')
    expect(document.querySelector('textarea')).toBeNull() // cleaned up
  })

  it('reports failure when nothing works', async () => {
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue(undefined as unknown as Clipboard)
    Object.defineProperty(document, 'execCommand', { value: () => false, configurable: true })
    await expect(copyText('x')).resolves.toBe(false)
  })
})
