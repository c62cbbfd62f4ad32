export { securityControls, type SecurityControlId } from './security-controls.js';
