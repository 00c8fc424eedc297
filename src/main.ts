// The service entry point (`npm start`). The HTTP service lands with its own issue.
console.log('kpi-engine: service not yet built; see README');
