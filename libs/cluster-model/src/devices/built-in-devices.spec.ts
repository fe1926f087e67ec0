import { BUILT_IN_DEVICE_MODELS } from '../registry';
import { describeDeviceModelContract } from '../../test/device-contract';

for (const model of BUILT_IN_DEVICE_MODELS) describeDeviceModelContract(model);
