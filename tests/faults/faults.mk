# make faults: crash safety (issue 11). Included by the Makefile.
#   make faults          SIGKILL at every named step (nestbox, then the container's PID 1),
#                        FAULT_RANDOM random-moment kills, SIGTERM/SIGINT, FAULT_SEQ sequential
#                        and FAULT_PAR parallel runs (FAULT_PAR_ROUNDS times), FAULT_STORM rounds
#                        of 20 runs of one name at once; prints the step table; nothing may leak
#   make faults-steps    the steps, listed from the code (every step()/done()/fault_point())
# build/nestbox-faults is the runtime built with -DNB_FAULTS (runtime/faults.c, include/faults.h):
# the only binary that can stop itself at a step. The shipped build/nestbox has none of it.
FAULT_RANDOM ?= 1000
FAULT_SEQ    ?= 10000
FAULT_PAR    ?= 200
FAULT_PAR_ROUNDS ?= 1
FAULT_STORM  ?= 10
FAULT_STEPS  := $(BUILD)/fault-steps.txt

.PHONY: faults faults-steps faults-absent

$(BUILD)/nestbox-faults: $(RUNTIME_SRC) $(INIT_SRC) $(wildcard include/*.h) $(UAPI)/.stamp Makefile
	$(CC) $(CFLAGS) $(OWN_PRINTF) -DNB_FAULTS -DNESTBOX_VERSION='"$(VERSION)-faults"' -o $@ \
		$(RUNTIME_SRC) $(INIT_SRC) $(LDFLAGS)

# The step names, in source order: the first string of step(c, ...), done(c, ...) and
# fault_point(...) calls.
$(FAULT_STEPS): $(RUNTIME_SRC)
	@mkdir -p $(@D)
	@grep -ho 'step(c, "[^"]*"\|done(c, "[^"]*"\|fault_point("[^"]*"' $(RUNTIME_SRC) | \
		sed 's/^[^"]*"//; s/"$$//' | awk '!seen[$$0]++' > $@

faults-steps: $(FAULT_STEPS)
	@cat $<

$(BUILD)/faults: tests/faults/faults_main.c $(wildcard tests/lib_faults*.c) tests/lib.c tests/lib_faults.h tests/lib.h $(UAPI)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests -o $@ tests/faults/faults_main.c $(wildcard tests/lib_faults*.c) tests/lib.c $(LDFLAGS)

# The shipped binary must not contain the fault code: no NESTBOX_FAULT string in it.
faults-absent: $(BUILD)/nestbox
	@! grep -q NESTBOX_FAULT $(BUILD)/nestbox || { echo "faults: build/nestbox contains fault injection"; exit 1; }

faults: $(BUILD)/nestbox-faults $(BUILD)/faults $(FAULT_STEPS) faults-absent rootfs
	@NESTBOX=$(BUILD)/nestbox-faults NESTBOX_ROOTFS=$(abspath $(ROOTFS)) \
		NESTBOX_FAULT_STEPS=$(FAULT_STEPS) $(BUILD)/faults --random $(FAULT_RANDOM) \
		--sequential $(FAULT_SEQ) --parallel $(FAULT_PAR) --parallel-rounds $(FAULT_PAR_ROUNDS) \
		--storm $(FAULT_STORM)

# tests/test_faults.c (make check) uses the test build when it is there.
tests: $(BUILD)/nestbox-faults
