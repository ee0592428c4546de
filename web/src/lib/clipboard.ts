// Copy text to the clipboard. The Clipboard API only exists in secure contexts (HTTPS or
// localhost), and bigr is often opened as http://10.x.x.x on a LAN, so fall back to the old
// select-and-execCommand('copy') trick there.

/** True when the text reached the clipboard. */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard
  if (clipboard && doc.defaultView?.isSecureContext !== false) {
    try {
      await clipboard.writeText(text)
      return true
    } catch {
      // Permission refused or not focused: try the fallback.
    }
  }
  return copyWithTextarea(text, doc)
}

function copyWithTextarea(text: string, doc: Document): boolean {
  const area = doc.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  // Off-screen but still selectable (display:none would not be).
  area.style.position = 'fixed'
  area.style.top = '-1000px'
  area.style.opacity = '0'
  const previous = doc.activeElement as HTMLElement | null
  doc.body.append(area)
  area.select()
  try {
    return typeof doc.execCommand === 'function' && doc.execCommand('copy')
  } catch {
    return false
  } finally {
    area.remove()
    previous?.focus?.()
  }
}
