import { describeConformance } from '@takeover/connector-kit/testing';
import { googleConformanceFactory } from '@takeover/connector-google-workspace/testing';

describeConformance('Google Workspace connector against the Google emulator', googleConformanceFactory);
