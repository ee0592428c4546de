import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { api } from './api'
import { connectApi, createAppRouter } from './router'
import './style.css'

const app = createApp(App)
app.use(createPinia())
const router = createAppRouter()
connectApi(api, router)
app.use(router)
app.mount('#app')
