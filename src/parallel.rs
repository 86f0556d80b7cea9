//! Whether a codec may split one buffer across the rayon pool. The array engine turns it off
//! while it already runs one chunk per thread (nested splitting there only adds joins,
//! copies and waiting on a loaded machine), and leaves it on when there are fewer chunks than
//! threads, so both cores still work on a single large chunk.

use std::cell::Cell;

thread_local! {
    static SERIAL: Cell<bool> = const { Cell::new(false) };
}

/// True when the current rayon pool has more than one thread and no caller on this thread
/// asked for serial codecs.
pub fn inner_parallelism() -> bool {
    !SERIAL.get() && rayon::current_num_threads() > 1
}

/// Runs `f` with [`inner_parallelism`] false on this thread (restored afterwards, also on
/// panic).
pub fn serial_inside<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SERIAL.set(self.0);
        }
    }
    let _restore = Restore(SERIAL.replace(true));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_and_restored() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| {
            assert!(inner_parallelism());
            serial_inside(|| {
                assert!(!inner_parallelism());
                serial_inside(|| assert!(!inner_parallelism()));
                assert!(!inner_parallelism());
            });
            assert!(inner_parallelism());
        });
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        one.install(|| assert!(!inner_parallelism()));
    }
}
