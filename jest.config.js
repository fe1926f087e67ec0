/** One `npm test` runs every tier: unit tests beside the code, integration and end-to-end under test/. */
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/test/jest.config.js'],
};
