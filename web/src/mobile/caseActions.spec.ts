import { describe, expect, it } from 'vitest'
import { phoneActions } from './caseActions'

describe('phoneActions', () => {
  it('keeps the button order and leaves department and merge choices to the desktop', () => {
    expect(phoneActions(['merge', 'reject', 'dispatch', 'accept'])).toEqual({
      phone: ['accept', 'reject'],
      desktop: ['dispatch', 'merge'],
    })
  })
  it('offers verify (yes/no and a note) on the phone, feedback (photos) on the desktop', () => {
    expect(phoneActions(['feedback', 'verify', 'return'])).toEqual({ phone: ['verify', 'return'], desktop: ['feedback'] })
  })
  it('drops codes the UI does not know', () => {
    expect(phoneActions(['fly'])).toEqual({ phone: [], desktop: [] })
  })
})
