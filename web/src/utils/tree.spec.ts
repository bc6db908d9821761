import { describe, expect, it } from 'vitest'
import { childLevel } from './tree'

describe('org levels', () => {
  it('knows the level below each level', () => {
    expect(childLevel('district')).toBe('subdistrict')
    expect(childLevel('subdistrict')).toBe('community')
    expect(childLevel('community')).toBe('grid')
    expect(childLevel('grid')).toBeNull()
    expect(childLevel('town')).toBeNull()
  })
})
