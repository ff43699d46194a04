package dtxkit.services;

import dtxkit.runtime.DtxException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream of what a device pushes (samples, events, data chunks), as a {@link Flow.Publisher}: each subscription
 * opens its own channel and starts the service; cancelling the subscription (or the stream ending) stops the service
 * and closes the channel. {@link #iterator()} gives the same as a blocking, closeable iterator.
 *
 * <pre>{@code
 * try (DeviceStream.Iterator<SysmonSample> samples = instruments.sysmon(Duration.ofMillis(500)).iterator()) {
 *     for (int i = 0; i < 10 && samples.hasNext(); i++) {
 *         System.out.println(samples.next());
 *     }
 * }   // stops sysmontap and closes its channel
 * }</pre>
 *
 * <p><b>Demand and buffering.</b> Items arriving beyond the subscriber's demand are buffered, up to
 * {@link #MAX_BUFFERED}; one more ends the subscription with {@code onError} (a {@link DtxException} saying how far
 * behind the subscriber is) rather than dropping items silently. {@code onNext} runs on the connection's delivery
 * executor or on the thread calling {@code request}, one call at a time.
 *
 * @param <T> the item type
 */
public final class DeviceStream<T> implements Flow.Publisher<T> {

    /** The most items a subscription buffers beyond its demand. */
    public static final int MAX_BUFFERED = 10_000;

    /** Where a started service delivers. Thread-safe. */
    public interface Sink<T> {
        /**
         * Delivers an item.
         *
         * @param item the item, not null
         */
        void next(T item);

        /**
         * Ends the stream.
         *
         * @param causeOrNull null for an orderly end (the channel closed), else the failure
         */
        void end(Throwable causeOrNull);
    }

    /** Opens the channel and starts the service for one subscription. */
    @FunctionalInterface
    public interface Starter<T> {
        /**
         * Starts delivering to {@code sink}.
         *
         * @param sink where items go
         * @return what stops the service and closes the channel (called once)
         * @throws Exception the channel or the service could not be started; the subscriber gets {@code onError}
         */
        AutoCloseable start(Sink<T> sink) throws Exception;
    }

    private final String description;
    private final Starter<T> starter;

    /**
     * A stream started by {@code starter} for each subscription.
     *
     * @param description what it streams, for messages (e.g. {@code "sysmontap samples"})
     * @param starter opens and starts
     */
    public DeviceStream(String description, Starter<T> starter) {
        this.description = Objects.requireNonNull(description, "description");
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        StreamSubscription<T> subscription = new StreamSubscription<>(description, subscriber);
        subscriber.onSubscribe(subscription);
        try {
            subscription.started(starter.start(subscription));
        } catch (Exception e) {
            subscription.end(e);
        }
    }

    /**
     * Subscribes and hands the items out through a blocking iterator; closing it cancels the subscription.
     *
     * @return the iterator
     * @throws DtxException the service could not be started
     */
    public Iterator<T> iterator() {
        Iterator<T> iterator = new Iterator<>(description);
        subscribe(iterator);
        iterator.failIfStartFailed();
        return iterator;
    }

    /**
     * A blocking view of a subscription. {@link #hasNext()} waits for the next item or the end of the stream;
     * {@link #poll(Duration)} waits at most a given time. Not thread-safe: one consumer thread.
     *
     * @param <T> the item type
     */
    public static final class Iterator<T> implements java.util.Iterator<T>, AutoCloseable, Flow.Subscriber<T> {
        private static final Object END = new Object();
        private static final int BATCH = 64;

        private final String description;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile Flow.Subscription subscription;
        private Object next;
        private boolean ended;
        private volatile Throwable failure;
        private int consumedSinceRequest;

        Iterator(String description) {
            this.description = description;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(BATCH);
        }

        @Override
        public void onNext(T item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            queue.add(END);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        void failIfStartFailed() {
            Object head = queue.peek();
            if (head == END && failure != null) {
                throw failure instanceof DtxException d ? d : new DtxException(description + " failed to start: "
                        + failure.getMessage(), failure);
            }
        }

        /**
         * Waits for the next item.
         *
         * @return true when there is one; false when the stream ended in order
         * @throws DtxException the stream failed (the cause says why)
         */
        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (ended) {
                return false;
            }
            try {
                return accept(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DtxException("interrupted waiting for " + description, e);
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException(description + " ended");
            }
            return take();
        }

        /**
         * The next item, waiting at most {@code timeout}.
         *
         * @param timeout how long to wait
         * @return the item, or null when none came in time or the stream ended in order
         * @throws DtxException the stream failed
         */
        public T poll(Duration timeout) {
            if (next == null && !ended) {
                try {
                    Object o = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    if (o == null || !accept(o)) {
                        return null;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DtxException("interrupted waiting for " + description, e);
                }
            }
            return next == null ? null : take();
        }

        private boolean accept(Object o) {
            if (o == END) {
                ended = true;
                if (failure != null) {
                    throw failure instanceof DtxException d ? d
                            : new DtxException(description + " failed: " + failure.getMessage(), failure);
                }
                return false;
            }
            next = o;
            return true;
        }

        @SuppressWarnings("unchecked")
        private T take() {
            T item = (T) next;
            next = null;
            if (++consumedSinceRequest == BATCH / 2) {
                consumedSinceRequest = 0;
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.request(BATCH / 2);
                }
            }
            return item;
        }

        /** Cancels the subscription: the service stops and its channel closes. Idempotent. */
        @Override
        public void close() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            ended = true;
        }
    }

    /** One subscription: demand, buffer, serialized delivery, and the stopper run once at the end. */
    private static final class StreamSubscription<T> implements Flow.Subscription, Sink<T> {
        private final String description;
        private final Flow.Subscriber<? super T> subscriber;
        private final Queue<T> buffer = new ArrayDeque<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private long demand;
        private boolean draining;
        private boolean terminal;
        private Throwable terminalCause;
        private boolean delivered;
        private AutoCloseable stopper;
        private boolean stopWhenStarted;

        StreamSubscription(String description, Flow.Subscriber<? super T> subscriber) {
            this.description = description;
            this.subscriber = subscriber;
        }

        void started(AutoCloseable s) {
            boolean stopNow;
            synchronized (this) {
                stopper = s;
                stopNow = stopWhenStarted;
            }
            if (stopNow) {
                stop();
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                end(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"));
                return;
            }
            synchronized (this) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            drain();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                if (delivered) {
                    return;
                }
                delivered = true;
                terminal = true;
                buffer.clear();
            }
            stop();
        }

        @Override
        public void next(T item) {
            Objects.requireNonNull(item, "item");
            boolean overflow;
            synchronized (this) {
                if (terminal) {
                    return; // after cancel or end, as the Flow rules allow; the stopper is already closing the channel
                }
                overflow = buffer.size() >= MAX_BUFFERED;
                if (!overflow) {
                    buffer.add(item);
                }
            }
            if (overflow) {
                end(new DtxException(description + ": the subscriber fell behind by " + MAX_BUFFERED
                        + " items; the stream is stopped rather than dropping any"));
                return;
            }
            drain();
        }

        @Override
        public void end(Throwable causeOrNull) {
            synchronized (this) {
                if (terminal) {
                    return;
                }
                terminal = true;
                terminalCause = causeOrNull;
            }
            stop();
            drain();
        }

        private void drain() {
            synchronized (this) {
                if (draining) {
                    return;
                }
                draining = true;
            }
            while (true) {
                T item = null;
                boolean finish = false;
                Throwable cause = null;
                synchronized (this) {
                    if (delivered) {
                        draining = false;
                        return;
                    }
                    if (demand > 0 && !buffer.isEmpty()) {
                        item = buffer.poll();
                        demand--;
                    } else if (terminal && buffer.isEmpty()) {
                        finish = true;
                        delivered = true;
                        cause = terminalCause;
                    } else if (terminal && terminalCause != null) {
                        // A failure is reported at once; items still buffered are dropped with it.
                        finish = true;
                        delivered = true;
                        cause = terminalCause;
                        buffer.clear();
                    } else {
                        draining = false;
                        return;
                    }
                }
                if (finish) {
                    if (cause == null) {
                        subscriber.onComplete();
                    } else {
                        subscriber.onError(cause);
                    }
                    synchronized (this) {
                        draining = false;
                    }
                    return;
                }
                try {
                    subscriber.onNext(item);
                } catch (RuntimeException e) {
                    // A throwing subscriber breaks rule 2.13; treat it as a cancellation so the channel still closes.
                    synchronized (this) {
                        draining = false;
                        delivered = true;
                        terminal = true;
                        buffer.clear();
                    }
                    stop();
                    throw e;
                }
            }
        }

        private void stop() {
            AutoCloseable s;
            synchronized (this) {
                s = stopper;
                if (s == null) {
                    stopWhenStarted = true;
                    return;
                }
            }
            if (stopped.compareAndSet(false, true)) {
                try {
                    s.close();
                } catch (Exception e) {
                    // The channel may already be gone (connection closed): nothing left to stop.
                    org.slf4j.LoggerFactory.getLogger(DeviceStream.class).debug("stopping {}: {}", description,
                            e.toString());
                }
            }
        }
    }
}
