import { describeConformance } from '@takeover/connector-kit/testing';
import { scimConformanceFactory } from '@takeover/connector-scim/testing';

describeConformance('SCIM connector against the SCIM test server', scimConformanceFactory);
