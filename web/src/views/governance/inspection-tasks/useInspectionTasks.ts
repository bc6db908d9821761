// 巡查任务: the paged list of tasks, mine or my area's, by state.
import { taskApi } from '@/api/governanceMap'
import type { PageQuery } from '@/api/types'
import type { Query } from '@/api/client'
import { paging, usePagedList } from '@/composables/usePagedList'

export interface TaskFilters {
  mine: boolean
  state: string
}

export const emptyTaskFilters = (): TaskFilters => ({ mine: true, state: 'open' })

export function taskQuery(f: TaskFilters): Query {
  const q: Query = {}
  if (f.mine) q.assignee = 'me'
  if (f.state) q.state = f.state
  return q
}

export function useInspectionTasks() {
  return usePagedList((f: TaskFilters & PageQuery) => taskApi.list({ ...taskQuery(f), ...paging(f) }), emptyTaskFilters)
}
