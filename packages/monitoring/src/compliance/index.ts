export { enabledFrameworks } from './enabled-frameworks.js';
export { monitoringControls, type MonitoringControlId } from './monitoring-controls.js';
