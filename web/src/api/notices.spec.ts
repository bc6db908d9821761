import { describe, expect, it } from 'vitest'
import { freeTextFields, insertPlaceholder, issueBody, noticeQuery, noticeStatus, placeholdersOf, serialPreview } from './notices'

describe('insertPlaceholder', () => {
  it('puts the placeholder at the caret and moves the caret after it', () => {
    expect(insertPlaceholder('请于前办结', 2, 2, '办结期限')).toEqual({ text: '请于{{办结期限}}前办结', caret: 10 })
  })
  it('replaces the selection', () => {
    expect(insertPlaceholder('致XX：', 1, 3, '主送单位')).toEqual({ text: '致{{主送单位}}：', caret: 9 })
  })
  it('clamps a caret outside the text (an unfocused textarea) to its end', () => {
    expect(insertPlaceholder('正文', 99, 120, '文号')).toEqual({ text: '正文{{文号}}', caret: 8 })
    expect(insertPlaceholder('', -1, -1, '文号').text).toBe('{{文号}}')
  })
})

describe('serialPreview', () => {
  it('writes prefix, the kind word, 〔year〕 and the number', () => {
    expect(serialPreview('龙岗综治', 'assignment', 2026)).toBe('龙岗综治交〔2026〕1号')
    expect(serialPreview(' 平湖街道 ', 'supervision', 2026, 3)).toBe('平湖街道督〔2026〕3号')
    expect(serialPreview('龙岗信访', 'petition_non_acceptance', 2026, 12)).toBe('龙岗信访信不受〔2026〕12号')
  })
})

describe('issueBody', () => {
  it('leaves blanks out so the server fills them from the matter', () => {
    const body = issueBody(
      'case',
      7,
      { kind: 'assignment', addressee: ' ', deadline: '', values: { 交办依据: ' 群众反映强烈 ', 处理意见: 'x' } },
      ['交办依据'],
    )
    expect(body).toEqual({
      kind: 'assignment',
      subject_kind: 'case',
      subject_id: 7,
      addressee: null,
      deadline: null,
      values: { 交办依据: '群众反映强烈' },
    })
  })
  it('sends the addressee and the deadline given', () => {
    const body = issueBody('dispute', 3, { kind: 'supervision', addressee: '城管所', deadline: '2026-12-31', values: {} }, [])
    expect(body.addressee).toBe('城管所')
    expect(body.deadline).toBe('2026-12-31')
  })
})

describe('placeholdersOf and freeTextFields', () => {
  it('reads each placeholder once, in order, spaces trimmed', () => {
    expect(placeholdersOf('{{主送单位}}：\n{{ 交办依据 }}，{{主送单位}}{{未闭合')).toEqual(['主送单位', '交办依据'])
  })
  it('offers only the placeholders the issuer writes that the body uses', () => {
    expect(freeTextFields({ body: '{{文号}}\n处理意见：{{处理意见}}\n{{主送单位}}依据{{交办依据}}' })).toEqual(['处理意见', '交办依据'])
    expect(freeTextFields({ body: '督办事由：{{交办依据}}' })).toEqual(['交办依据'])
    expect(freeTextFields(undefined)).toEqual([])
  })
})

describe('noticeQuery and noticeStatus', () => {
  it('leaves out empty filters and sends a subject only whole', () => {
    expect(noticeQuery({ org_unit_id: null, kind: '', year: null })).toEqual({})
    expect(noticeQuery({ org_unit_id: 4, kind: 'closure', year: 2026, subject_kind: 'case', subject_id: 9 })).toEqual({
      org_unit_id: 4,
      kind: 'closure',
      year: 2026,
      subject_kind: 'case',
      subject_id: 9,
    })
  })
  it('a void wins over a returned slip', () => {
    expect(noticeStatus({ voided_at: '2026-01-02T00:00:00Z', returned_at: '2026-01-01T00:00:00Z', has_return_slip: true })).toBe('voided')
    expect(noticeStatus({ voided_at: null, returned_at: '2026-01-01T00:00:00Z', has_return_slip: true })).toBe('returned')
    expect(noticeStatus({ voided_at: null, returned_at: null, has_return_slip: true })).toBe('awaiting')
    expect(noticeStatus({ voided_at: null, returned_at: null, has_return_slip: false })).toBe('issued')
  })
})
