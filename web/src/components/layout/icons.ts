// The few icons the menu uses, by the key in route meta.icon.
import type { Component } from 'vue'
import { HomeFilled, OfficeBuilding, Setting, Document, House, Tickets } from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  home: HomeFilled,
  org: OfficeBuilding,
  registry: House,
  cases: Tickets,
  system: Setting,
  audit: Document,
}
