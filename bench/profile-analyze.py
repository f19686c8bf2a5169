#!/usr/bin/env python3
"""Summarises bench/profile-analyze.sh's files: the JIT's log (-XX:+LogCompilation) of one launch, and
async-profiler's collapsed stacks (threads and kinds of frame annotated) of others, summed.

    profile-analyze.py COMPILATION_LOG STACKS...
"""
import collections
import re
import signal
import sys

# async-profiler's annotations (`ann`): _[0] interpreted, _[1] quick compiler (C1), _[j] optimising
# compiler (C2), _[i] inlined into its caller, _[k] kernel. No suffix: the JVM's own C++, its stubs or libc.
KIND = {'0': 'interpreter', '1': 'quick compiler (C1)', 'j': 'optimising compiler (C2)'}
ANNOTATION = re.compile(r'_\[(\w)\]$')


def thread_group(name):
    name = name.strip('[]').split(' tid=')[0]
    for prefix, group in (('C2 Compiler', 'optimising compiler (C2)'), ('C1 Compiler', 'quick compiler (C1)'),
                          ('VM Thread', 'GC and safepoints'), ('main', 'main (reader, analysis, JSON)')):
        if name.startswith(prefix):
            return group
    return 'other: ' + name


def code_kind(frames):
    """The kind of code a sample was in: its innermost frame's, or for code inlined into another method,
    that method's. A frame without annotation is the JVM's own C++, one of its stubs (array copies) or
    libc."""
    for frame in reversed(frames):
        m = ANNOTATION.search(frame)
        if m is None:
            return 'JVM, its stubs or libc'
        if m.group(1) == 'k':
            return 'kernel'
        if m.group(1) in KIND:
            return KIND[m.group(1)]
    return 'JVM, its stubs or libc'


def stacks(paths):
    by_thread = collections.Counter()
    main_kinds = collections.Counter()
    main_self = collections.Counter()
    lines = (line for path in paths for line in open(path, errors='replace'))
    for line in lines:
        stack, count = line.rsplit(' ', 1)
        count = int(count)
        frames = stack.split(';')
        group = thread_group(frames[0])
        by_thread[group] += count
        if group.startswith('main'):
            main_kinds[code_kind(frames)] += count
            main_self[ANNOTATION.sub('', frames[-1])] += count
    total = sum(by_thread.values())
    print(f'CPU samples by thread ({total} in all):')
    for group, n in by_thread.most_common():
        print(f'  {100 * n / total:5.1f} %  {group}')
    main = sum(main_kinds.values()) or 1
    print('The main thread, by the kind of code it ran:')
    for kind, n in main_kinds.most_common():
        print(f'  {100 * n / main:5.1f} %  {kind}')
    print('The main thread\'s busiest methods (self):')
    for method, n in main_self.most_common(15):
        print(f'  {100 * n / main:5.1f} %  {method.replace("/", ".")[:100]}')


def compilations(path):
    text = open(path, errors='replace').read()
    tasks = []
    # Each compiler thread's part of the log is one block; a task the JVM's exit cut short has no
    # task_done, so each task is read up to the next one only.
    for piece in text.split('<task ')[1:]:
        m = re.match(r"([^>]*)>.*?<task_done ([^>]*)/>", piece, re.S)
        if m is None:
            continue
        start = dict(re.findall(r"(\w+)='([^']*)'", m.group(1)))
        done = dict(re.findall(r"(\w+)='([^']*)'", m.group(2)))
        began = float(start['stamp'])
        tasks.append((began, float(done['stamp']) - began, start.get('level', '4'), start['method'],
                      'osr_bci' in start))
    tasks.sort()
    for level, name in (('1', 'C1 (level 1)'), ('2', 'C1 (level 2)'), ('3', 'C1 (level 3)'), ('4', 'C2')):
        mine = [t for t in tasks if t[2] == level]
        print(f'{name}: {len(mine)} compilations, {sum(t[1] for t in mine):.2f} s')
    print('C2, in the order it began them (tcplab and Jackson; seconds since the JVM started):')
    print('  began   took   method')
    for began, took, level, method, osr in tasks:
        if level == '4' and ('dev.tcplab' in method or 'jackson' in method):
            name = method.split(' (')[0].replace('&lt;', '<').replace('&gt;', '>')
            print(f'  {began:5.3f} {1000 * took:5.0f} ms {"(loop) " if osr else ""}{name}')


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly, into head or less
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    stacks(sys.argv[2:])
    compilations(sys.argv[1])
