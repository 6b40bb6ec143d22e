/** SIMULATION ONLY: the `simandroid` Appium driver (see test/sim-driver/README.md and SPEC.md). */
export { SimAndroidDriver } from './driver.js';
