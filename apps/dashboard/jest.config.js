const preset = require('../../jest.preset.js');

const base = preset(__dirname);

module.exports = preset(__dirname, {
  displayName: require('./package.json').name,
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  // ECharts and zrender ship ESM: compile them like the other ESM-only packages.
  transformIgnorePatterns: [base.transformIgnorePatterns[0].replace('(?!(', '(?!(echarts|zrender|')],
});
