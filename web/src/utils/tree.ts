// Helpers over the org unit tree answered by GET /api/v1/org-units/tree.
import type { OrgLevel } from '@/api/types'

export interface TreeNode {
  id: number
  children?: TreeNode[] | null
}

/** Depth-first search for the node with this id. */
export function findNode<T extends TreeNode>(roots: readonly T[], id: number): T | undefined {
  for (const node of roots) {
    if (node.id === id) return node
    const found = findNode((node.children ?? []) as T[], id)
    if (found) return found
  }
  return undefined
}

/** The nodes from a root down to the node with this id (inclusive); empty when it is absent. */
export function findPath<T extends TreeNode>(roots: readonly T[], id: number): T[] {
  for (const node of roots) {
    if (node.id === id) return [node]
    const below = findPath((node.children ?? []) as T[], id)
    if (below.length) return [node, ...below]
  }
  return []
}

const LEVEL_ORDER: readonly OrgLevel[] = ['district', 'subdistrict', 'community', 'grid']

/** The level of a unit's children: a grid has none. */
export function childLevel(level: string): OrgLevel | null {
  const i = LEVEL_ORDER.indexOf(level as OrgLevel)
  return i >= 0 && i < LEVEL_ORDER.length - 1 ? (LEVEL_ORDER[i + 1] ?? null) : null
}

/** The nearest ancestor-or-self with this level, e.g. the community of a grid. */
export function ancestorOfLevel<T extends TreeNode & { level: string }>(
  roots: readonly T[],
  id: number,
  level: OrgLevel,
): T | undefined {
  const path = findPath(roots, id)
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]
    if (n && n.level === level) return n
  }
  return undefined
}
