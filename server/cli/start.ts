// npm start: build the web app when its sources changed since the last build, then start the server.
import { ensureWebBuild } from "../web-build.js";

await ensureWebBuild();
await import("../index.js");
