import { describe, expect, it } from 'vitest'
import { isImportKind, wizardStep } from './useImport'

describe('wizardStep', () => {
  it('follows the wizard from choosing to the result', () => {
    expect(wizardStep({ file: false, started: false })).toBe(0)
    expect(wizardStep({ file: true, started: false })).toBe(1)
    expect(wizardStep({ file: true, started: true, status: null })).toBe(2)
    expect(wizardStep({ file: true, started: true, status: 'queued' })).toBe(2)
    expect(wizardStep({ file: true, started: true, status: 'running' })).toBe(2)
    expect(wizardStep({ file: true, started: true, status: 'failed' })).toBe(3)
    expect(wizardStep({ file: true, started: true, status: 'done' })).toBe(4)
  })
})

describe('isImportKind', () => {
  it('accepts only the three registries (the ?kind= of the list pages)', () => {
    expect(isImportKind('residents')).toBe(true)
    expect(isImportKind('houses')).toBe(true)
    expect(isImportKind('places')).toBe(false)
    expect(isImportKind(['residents'])).toBe(false)
    expect(isImportKind(undefined)).toBe(false)
  })
})
