export type * from "./app/HostApp.js";
