import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Dicts } from '@/api/types'
import { useDictStore } from './dicts'

const dicts: Dicts = {
  genders: [
    { code: 'male', name: '男' },
    { code: 'female', name: '女' },
  ],
  registration_types: [
    { code: 'registered', name: '户籍人口' },
    { code: 'migrant', name: '流动人口' },
  ],
  special_groups: [
    { code: 'released_prisoner', name: '刑满释放人员' },
    { code: 'drug_user', name: '吸毒人员' },
  ],
  ethnicities: [{ code: '01', name: '汉族' }],
}

const { all } = vi.hoisted(() => ({ all: vi.fn<() => Promise<Dicts>>() }))
vi.mock('@/api/registry', () => ({ dictApi: { all } }))

describe('useDictStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    all.mockReset()
    all.mockResolvedValue(dicts)
  })

  it('loads the tables once, even when asked twice at the same time', async () => {
    const store = useDictStore()
    expect(store.name('genders', 'male')).toBe('male')
    await Promise.all([store.load(), store.load()])
    await store.load()
    expect(all).toHaveBeenCalledTimes(1)
    expect(store.name('genders', 'male')).toBe('男')
    expect(store.names('special_groups', ['drug_user'])).toEqual(['吸毒人员'])
    expect(store.options('registration_types')).toHaveLength(2)
  })

  it('tries again after a failure', async () => {
    const store = useDictStore()
    all.mockRejectedValueOnce(new Error('offline'))
    await expect(store.load()).rejects.toThrow('offline')
    await store.load()
    expect(all).toHaveBeenCalledTimes(2)
    expect(store.name('genders', 'female')).toBe('女')
  })
})
