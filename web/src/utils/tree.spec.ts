import { describe, expect, it } from 'vitest'
import type { OrgUnitNode } from '@/api/types'
import { ancestorOfLevel, childLevel, findNode, findPath } from './tree'

const unit = (
  id: number,
  level: OrgUnitNode['level'],
  name: string,
  children: OrgUnitNode[] = [],
  parent_id: number | null = null,
): OrgUnitNode => ({ id, level, code: String(id), name, parent_id, children })

const tree: OrgUnitNode[] = [
  unit(1, 'district', '龙岗区', [
    unit(2, 'subdistrict', '布吉街道', [
      unit(4, 'community', '布吉社区', [unit(7, 'grid', '布吉社区第01网格'), unit(8, 'grid', '布吉社区第02网格')]),
      unit(5, 'community', '罗岗社区'),
    ]),
    unit(3, 'subdistrict', '坂田街道', [unit(6, 'community', '五和社区', [unit(9, 'grid', '五和社区第01网格')])]),
  ]),
]

describe('tree helpers', () => {
  it('finds nodes at any depth', () => {
    expect(findNode(tree, 1)?.name).toBe('龙岗区')
    expect(findNode(tree, 9)?.name).toBe('五和社区第01网格')
    expect(findNode(tree, 99)).toBeUndefined()
    expect(findNode([], 1)).toBeUndefined()
  })

  it('gives the path from the root', () => {
    expect(findPath(tree, 8).map((n) => n.id)).toEqual([1, 2, 4, 8])
    expect(findPath(tree, 1).map((n) => n.id)).toEqual([1])
    expect(findPath(tree, 99)).toEqual([])
  })

  it('knows the level below each level', () => {
    expect(childLevel('district')).toBe('subdistrict')
    expect(childLevel('subdistrict')).toBe('community')
    expect(childLevel('community')).toBe('grid')
    expect(childLevel('grid')).toBeNull()
  })

  it('finds the community of a grid', () => {
    expect(ancestorOfLevel(tree, 8, 'community')?.name).toBe('布吉社区')
    expect(ancestorOfLevel(tree, 4, 'community')?.id).toBe(4)
    expect(ancestorOfLevel(tree, 9, 'subdistrict')?.name).toBe('坂田街道')
    expect(ancestorOfLevel(tree, 2, 'grid')).toBeUndefined()
  })
})
