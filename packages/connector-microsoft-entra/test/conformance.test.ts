import { describeConformance } from '@takeover/connector-kit/testing';
import { entraConformanceFactory } from '@takeover/connector-microsoft-entra/testing';

describeConformance('Microsoft Entra connector against the Entra emulator', entraConformanceFactory);
