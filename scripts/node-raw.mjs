// Registers scripts/raw-loader.mjs (Vite-style `?raw` imports in plain Node).
import { register } from 'node:module';
register('./raw-loader.mjs', import.meta.url);
