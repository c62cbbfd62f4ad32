export { compilePolicy, type CompiledPolicy, type PolicySource } from './compile-policy.js';
export { decisionEvent, type DecisionEventOptions } from './decision-event.js';
export {
  createPolicyAuthorizer,
  type DecisionRecord,
  type PolicyAuthorizerOptions,
} from './policy-authorizer.js';
export {
  createRoleDirectory,
  type RoleDirectory,
  type RoleDirectoryOptions,
} from './role-directory.js';
