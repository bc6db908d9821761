// The few icons the menu uses, by the key in route meta.icon.
import type { Component } from 'vue'
import { HomeFilled, OfficeBuilding, Setting, Document, House, Tickets, MapLocation } from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  home: HomeFilled,
  map: MapLocation,
  org: OfficeBuilding,
  registry: House,
  governance: Tickets,
  cases: Tickets,
  system: Setting,
  audit: Document,
}
