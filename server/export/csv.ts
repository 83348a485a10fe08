// The CSV writer lives in shared/csv.ts (the web app's coverage report uses it too); this path
// stays for the modules that still import it from here.
export { toCsv } from "../../shared/csv.js";
