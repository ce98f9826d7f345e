extension KernelCatalog {
    static func dropout() -> [KernelCheck] {
        var checks: [KernelCheck] = []
        // Counts around the 4-element Philox block (partial last blocks) and a large one; rates
        // from "keep all" to "drop most"; seeds and steps with their high words set.
        let counts = [1, 3, 4, 5, 7, 1031, 4099]
        let draws: [(rate: Float, seed: UInt64, step: UInt64, stream: UInt32)] = [
            (0, 1, 0, 0), (0.25, 0x5EED, 1, 2), (0.5, 0xDEAD_BEEF_1234_5678, 0x2_0000_0005, 7), (0.9, 42, 999, 0xFFFF_FFFF),
        ]
        for n in counts {
            for d in draws {
                checks.append(KernelCheck("dropout mask rate=\(d.rate)", kind: .dropoutMask,
                    shape: "n=\(n) seed=\(d.seed) step=\(d.step) stream=\(d.stream)",
                    tensors: [TensorSpec("mask", n, .poison)], compared: ["mask"], tolerance: .exact) { t in
                    [.dropoutMask(DropoutMask(mask: t["mask"], rate: d.rate, seed: d.seed, step: d.step, stream: d.stream))]
                })
            }
        }
        // A mask at an offset inside a larger buffer (element 0 of the view is element 0 of the stream).
        checks.append(KernelCheck("dropout mask rate=0.3", kind: .dropoutMask, shape: "n=9 at offset 5 of 17",
            tensors: [TensorSpec("mask", 17, .poison)], compared: ["mask"], tolerance: .exact) { t in
            [.dropoutMask(DropoutMask(mask: t["mask"].slice(5, 9), rate: 0.3, seed: 77, step: 3, stream: 1))]
        })
        // The step read from a device tensor (a plan built once, the step uploaded per batch).
        let step = DropoutMask.stepWords(0x3_0000_0011)
        checks.append(KernelCheck("dropout mask step tensor", kind: .dropoutMask, shape: "n=1031",
            tensors: [TensorSpec("mask", 1031, .poison), TensorSpec("step", 2, .integerValues(step))],
            compared: ["mask"], tolerance: .exact) { t in
            [.dropoutMask(DropoutMask(mask: t["mask"], rate: 0.4, seed: 9, step: 0, stepTensor: t.int("step"), stream: 3))]
        })
        return checks
    }
}
