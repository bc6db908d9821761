import { describe, expect, it } from 'vitest'
import { InputCounter, MAX_INPUTS, fewestInputs } from './inputs'

describe('InputCounter', () => {
  it('counts each tap and a text typed once, however many keys', () => {
    const c = new InputCounter()
    c.add('photo')
    c.add('category')
    c.add('item')
    for (let i = 0; i < 12; i++) c.add('text')
    c.add('submit')
    expect(c.count).toBe(5)
    expect(c.inputs).toEqual(['photo', 'category', 'item', 'text', 'submit'])
  })
  it('counts the text again after something else was done', () => {
    const c = new InputCounter()
    c.add('text')
    c.add('pin')
    c.add('text')
    expect(c.count).toBe(3)
    c.reset()
    expect(c.count).toBe(0)
  })
})

describe('fewestInputs', () => {
  it('stays within 6 for one photo with GPS, by the picker or a suggestion', () => {
    expect(fewestInputs({ photos: 1, suggested: false, gps: true })).toBe(5)
    expect(fewestInputs({ photos: 1, suggested: true, gps: true })).toBe(4)
    expect(fewestInputs({ photos: 1, suggested: false, gps: false })).toBeLessThanOrEqual(MAX_INPUTS)
  })
})
