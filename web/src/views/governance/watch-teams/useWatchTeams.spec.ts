import { describe, expect, it } from 'vitest'
import type { WatchMember, WatchRoster, WatchTeam } from '@/api/stability'
import {
  emptyLog,
  emptyMember,
  emptyRoster,
  emptyTeamForm,
  emptyWatchTeamFilters,
  isoDay,
  logBody,
  memberBody,
  memberKind,
  rosterBody,
  rosterNames,
  teamBody,
  teamFormFrom,
  watchTeamQuery,
} from './useWatchTeams'

const member = (id: number, name: string, staff: boolean): WatchMember => ({
  id,
  name,
  duty: '队员',
  staff_id: staff ? id + 100 : null,
  resident_id: staff ? null : id + 200,
})

describe('watch team list and form', () => {
  it('leaves blank filters out of the query', () => {
    expect(watchTeamQuery(emptyWatchTeamFilters())).toEqual({})
    expect(watchTeamQuery({ org_unit_id: 7, kind: 'security_patrol' })).toEqual({ org_unit_id: 7, kind: 'security_patrol' })
  })

  it('starts a new team at the caller unit and sends blanks as null', () => {
    const s = emptyTeamForm(12)
    expect(s.org_unit_id).toBe(12)
    s.name = ' 良安田治安巡逻队 '
    s.leader_name = '  '
    expect(teamBody(s)).toEqual({ name: '良安田治安巡逻队', kind: 'security_patrol', leader_name: null, note: null, org_unit_id: 12 })
    // No unit: 0, which the server refuses naming the field.
    expect(teamBody(emptyTeamForm()).org_unit_id).toBe(0)
  })

  it('edits a team from its row', () => {
    const team: WatchTeam = {
      id: 3,
      name: '平安志愿队',
      kind: 'safety_volunteer',
      leader_name: '陈队长',
      note: '',
      org_unit_id: 9,
      org_unit_name: '良安田社区',
      members: 2,
    }
    expect(teamFormFrom(team)).toEqual({ name: '平安志愿队', kind: 'safety_volunteer', leader_name: '陈队长', note: '', org_unit_id: 9 })
  })
})

describe('members, rosters and logs', () => {
  it('sends a member by the chosen person id only', () => {
    const m = emptyMember()
    m.resident_id = 42
    m.staff_id = 5
    expect(memberBody(m)).toEqual({ resident_id: 42, duty: '队员' })
    m.kind = 'staff'
    m.duty = ' '
    expect(memberBody(m)).toEqual({ staff_id: 5, duty: null })
    expect(memberKind(member(1, '李四', true))).toBe('staff')
    expect(memberKind(member(2, '张*三', false))).toBe('resident')
  })

  it('builds a roster and a log for the day given', () => {
    const r = emptyRoster('2026-03-01')
    r.member_ids.push(1, 2)
    const body = rosterBody(r)
    expect(body).toEqual({ on_day: '2026-03-01', shift: 'night', member_ids: [1, 2], note: null })
    r.member_ids.push(3)
    expect(body.member_ids).toEqual([1, 2])
    const l = emptyLog('2026-03-01')
    l.content = ' 夜间巡逻一圈，未见异常 '
    expect(logBody(l)).toEqual({ on_day: '2026-03-01', shift: 'night', content: '夜间巡逻一圈，未见异常' })
    expect(logBody({ ...l, on_day: '' }).on_day).toBeNull()
  })

  it('names who is on duty, members removed since shown as gone', () => {
    const roster: WatchRoster = { id: 1, on_day: '2026-03-01', shift: 'night', member_ids: [2, 9, 1], note: '' }
    expect(rosterNames(roster, [member(1, '李四', true), member(2, '张*三', false)], '（已移出）')).toEqual([
      '张*三',
      '（已移出）',
      '李四',
    ])
  })

  it('writes days as YYYY-MM-DD', () => {
    expect(isoDay(new Date(2026, 0, 5))).toBe('2026-01-05')
  })
})
