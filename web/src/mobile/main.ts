// The grid worker's phone app (/m/): its own entry, code-split from the admin app. Shares the
// HTTP client, the auth store (session cookie, CSRF token) and the locale files with it.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { isApiError } from '@/api/client'
import App from './App.vue'
import { router } from './router'
import { i18n, useLocale } from './i18n'
import { setupHttp } from './http'
import './mobile.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
setupHttp(router)
app.use(router)

app.config.errorHandler = (err) => {
  if (!isApiError(err)) console.error(err)
}
window.addEventListener('unhandledrejection', (event) => {
  if (isApiError(event.reason)) event.preventDefault()
})

useLocale().then(() => app.mount('#app'))
