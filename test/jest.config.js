// End-to-end tier: whole stack, real MQTT clients, real browser. Slow by nature, so generous timeouts.
module.exports = require('../jest.preset.js')(__dirname, { displayName: 'e2e', testTimeout: 180_000 });
