import { describe, expect, it } from 'vitest'
import { countOf, errorAt, ruleOf, thresholdKind, thresholdOf, toggleGroup, unitOf, withThreshold } from './settingsForm'

describe('counts with their unit', () => {
  it('reads the one key the server stores', () => {
    expect(unitOf({ working_days: 15 }, 'hours')).toBe('working_days')
    expect(countOf({ working_days: 15 })).toBe(15)
    expect(unitOf({}, 'calendar')).toBe('calendar')
    expect(countOf({})).toBeUndefined()
  })
})

describe('field errors by path', () => {
  it('finds the value named or anything inside it', () => {
    const errors = { 'limits.mediate.working_days': '取值格式有误', 'class_rules.rules[2].at_least': '阈值' }
    expect(errorAt(errors, 'limits.mediate')).toBe('取值格式有误')
    expect(errorAt(errors, 'limits.mediate.working_days')).toBe('取值格式有误')
    expect(errorAt(errors, 'class_rules.rules[2]')).toBe('阈值')
    expect(errorAt(errors, 'class_rules.rules[1]')).toBeUndefined()
    expect(errorAt(errors, 'limits.media')).toBeUndefined()
  })
})

describe('class rules', () => {
  it('gives each fact a threshold that does not hold for every house', () => {
    expect(ruleOf('building', 'red')).toEqual({ fact: 'building', at_least: 'c', class: 'red' })
    expect(ruleOf('crowding')).toEqual({ fact: 'crowding', below_m2: 5, class: 'yellow' })
    expect(ruleOf('hazards', 'orange')).toEqual({ fact: 'hazards', at_least: 1, class: 'orange' })
    expect(thresholdKind('owner_compliance')).toBe('compliance')
    expect(thresholdKind('recent_cases')).toBe('count')
    expect(thresholdKind('crowding')).toBe('area')
  })

  it('changes a threshold and keeps the fact and class', () => {
    const r = withThreshold({ fact: 'hazards', at_least: 1, class: 'orange' }, 3)
    expect(r).toEqual({ fact: 'hazards', at_least: 3, class: 'orange' })
    expect(thresholdOf(r)).toBe(3)
    const crowd = withThreshold({ fact: 'crowding', below_m2: 5, class: 'orange' }, 4.5)
    expect(crowd).toEqual({ fact: 'crowding', below_m2: 4.5, class: 'orange' })
    expect(thresholdOf(withThreshold({ fact: 'building', at_least: 'c', class: 'red' }, 'd'))).toBe('d')
  })
})

describe('visit schedule groups', () => {
  it('switches a group on with the defaults and off again', () => {
    const on = toggleGroup({ drug_user: { general: 30, medium: 14, serious: 7 } }, 'aids_risk', true)
    expect(on.aids_risk).toEqual({ general: 90, medium: 30, serious: 14 })
    expect(on.drug_user).toEqual({ general: 30, medium: 14, serious: 7 })
    expect(toggleGroup(on, 'drug_user', true).drug_user).toEqual({ general: 30, medium: 14, serious: 7 })
    expect(Object.keys(toggleGroup(on, 'aids_risk', false))).toEqual(['drug_user'])
  })
})
