export const plugins = ['@agentry/openai'];
export default { schemaVersion: '1.0.0' };
