// Saves a file the page fetched itself (an export answered to a POST) through a temporary link.

export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // The click has handed the file to the browser; the URL is released once it has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
