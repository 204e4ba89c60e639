"""Simplified Chinese for every English interface string (keys are the English text).

Terms, used the same way everywhere: 任务 task, 指数 index, 负责人 assignee, 责任单位 unit,
截止日期 due date, 进度 progress, 状态 status (未开始 / 进行中 / 受阻 / 已完成), 逾期 overdue,
备注 note, 历史记录 history, 变更 change, 撤销 undo, 数据文件 the store, 备份 backup.
`python tools/i18n_strings.py` lists the strings still missing here; a translation keeps every
`{placeholder}` of its key.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # ------------------------------------------------------------ help screens
    "Show this message and exit.": "显示本帮助并退出。",
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "Usage: ": "用法：",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Error": "错误",
    "[default: {}]": "[默认：{}]",
    "[env var: {}]": "[环境变量：{}]",
    "[required]": "[必填]",
    "(deprecated) ": "（已弃用）",
    "Aborted.": "已中止。",
    "Track an annual work plan: tasks per index, who has which, what moved, what is stuck.": (
        "跟踪年度工作计划：各指数有哪些任务、谁负责哪项、哪些有进展、哪些受阻。"
    ),
    "Check a plan file and report every problem with its line (exit 2 on errors).": (
        "检查计划文件，逐条报告问题及所在行（有错误时退出码为 2）。"
    ),
    "Sync a plan file into the store: add new tasks, update changed text, archive removed ones.": (
        "把计划文件同步到数据文件：新增任务，更新改动的文字，归档已删除的任务。"
    ),
    "List tasks, filtered and sorted.": "列出任务，可筛选、排序。",
    "Every field of one task, its notes and its history.": (
        "查看一项任务的全部信息、备注和历史记录。"
    ),
    "Change status, progress, due date, or add a note.": "修改状态、进度、截止日期，或添加备注。",
    "Mark tasks done (progress 100).": "把任务标记为已完成（进度 100）。",
    "Add a note to a task.": "为任务添加备注。",
    "What changed, when, and by whom (oldest first).": "改了什么、何时改的、谁改的（按时间先后）。",
    "Revert your most recent change (one command on several ids is one change).": (
        "撤销你最近一次变更（一条命令涉及多项任务也算一次变更）。"
    ),
    "Record tasks edited by hand in the store file as a change of yours, so its history "
    "agrees with it again.": (
        "把在数据文件中手工修改的任务记为你的一次变更，使历史记录与之重新一致。"
    ),
    "--restore and --accept: give one or the other": "--restore 和 --accept 只能选一个",
    "Check the store, its history and its backups (exit 1 if anything is wrong).": (
        "检查数据文件、历史记录和备份（发现问题时退出码为 1）。"
    ),
    "Print lianta's version.": "显示 lianta 的版本。",
    "What was completed, started, blocked, assigned and moved in a week, per index and task.": (
        "一周内完成、开始、受阻、分派了哪些任务，进度有何变化，按指数和任务列出。"
    ),
    "Store file, or a postgresql:// URL of a shared database. "
    "Default: $LIANTA_DB, else the user data folder.": (
        "数据文件，或共享数据库的 postgresql:// 地址。默认：$LIANTA_DB，否则为用户数据文件夹。"
    ),
    "Plan: its year (2024), area (liantang) or both (liantang/2024). Default: the plan "
    "running today, else the latest that has begun.": (
        "计划：年份（2024）、片区（liantang）或两者（liantang/2024）。"
        "默认：今天所在的计划，否则为已开始的最新计划。"
    ),
    "Plan: its year (2024), area (liantang) or both (liantang/2024); all: every area's "
    "plan of the year, side by side with their total (all/2024 names the year). Default: "
    "the plan running today, else the latest that has begun.": (
        "计划：年份（2024）、片区（liantang）或两者（liantang/2024）；all：该年各片区的计划"
        "并列，附合计（all/2024 指定年份）。默认：今天所在的计划，否则为已开始的最新计划。"
    ),
    "Interface language: en or zh. Default: $LIANTA_LANG, else the locale.": (
        "界面语言：en（英文）或 zh（中文）。默认：$LIANTA_LANG，否则按系统区域设置。"
    ),
    "Draw tables and bars with ASCII only (for terminals that draw box lines double-width).": (
        "表格和进度条只用 ASCII 字符绘制（适用于把制表线显示成双倍宽度的终端）。"
    ),
    "Task ids, like 3.4; a range 1.1-1.3, 1.* or an index code names several "
    "(they succeed or fail together).": (
        "任务编号，如 3.4；范围 1.1-1.3、1.* 或指数代码表示多项任务（同时成功或同时失败）。"
    ),
    "Print everything, even when it is longer than the screen (no pager).": (
        "全部直接输出，即使超过一屏（不用分页器）。"
    ),
    "Print lianta's version and exit.": "显示 lianta 的版本并退出。",
    "Install completion for the current shell.": "为当前 shell 安装自动补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的自动补全脚本，供复制或自行安装。"
    ),
    "{shell} completion installed in {path}; it works in a new terminal": (
        "已为 {shell} 安装自动补全：{path}；新开终端后生效"
    ),
    "; text that starts with '-' goes after --: {example}": (
        "；以 '-' 开头的文字请放在 -- 之后：{example}"
    ),
    # ------------------------------------------------------------ help screens: examples
    "Examples:": "示例：",
    "How far each index has come:": "各指数的进展：",
    "The blocked tasks, the soonest due first:": "受阻的任务，最早到期的在前：",
    "This week's report, as Markdown:": "本周报告（Markdown 格式）：",
    "Check next year's plan before loading it:": "载入前先检查明年的计划：",
    "The same, for a script:": "同上，供脚本使用：",
    "See what loading an edited plan would change:": "看看载入修改后的计划会改动什么：",
    "Then load it:": "然后载入：",
    "One person's tasks, for a script:": "某人负责的任务，供脚本使用：",
    "One task, its notes and its history:": "一项任务及其备注和历史记录：",
    "Two tasks to one person and her unit:": "把两项任务分派给一个人：",
    "Every task of an index, with the unit:": "把一个指数的全部任务连同责任单位分派出去：",
    "Take one task back:": "收回一项任务：",
    "Take a range of tasks back:": "收回一个编号范围内的任务：",
    "Record progress, with a note:": "记录进度并添加备注：",
    "Block a task, saying why:": "把任务标为受阻并说明原因：",
    "Move the due date of every task of index 2:": "修改指数 2 全部任务的截止日期：",
    "Finish one task:": "完成一项任务：",
    "Finish three, with a closing note:": "完成三项任务并添加备注：",
    "Note what happened:": "记下进展：",
    "A note that starts with '-' goes after --:": "以 '-' 开头的备注放在 -- 之后：",
    "Everything that happened to one task:": "一项任务的全部历史记录：",
    "Everything since 1 March, as CSV:": "3 月 1 日以来的全部记录（CSV 格式）：",
    "Take the last change back:": "撤销最近一次变更：",
    "The same, saying what was undone, for a script:": "同上，并说明撤销了什么，供脚本使用：",
    "Check the store and its backups:": "检查数据文件及其备份：",
    "Bring back the newest good backup of a damaged store:": "数据文件损坏时，恢复最新的完好备份：",
    "The installed version (also lianta --version):": "已安装的版本（也可用 lianta --version）：",
    "The same, to paste into a document:": "同上，便于粘贴到文档中：",
    "The report on one ISO week:": "某一 ISO 周的报告：",
    "A period as JSON, into a file:": "某一时段的报告（JSON 格式），写入文件：",
    # ------------------------------------------------------------ help screens: environment
    "Environment": "环境变量",
    "The store in use: {path}": "当前数据文件：{path}",
    "The store file (--db on a command wins over it). Default: {default}": (
        "数据文件（命令的 --db 优先）。默认：{default}"
    ),
    "Pin today and the time of every change: 2024-03-08 or 2024-03-08T17:00.": (
        "固定“今天”和每次变更的时间：2024-03-08 或 2024-03-08T17:00。"
    ),
    "Who is recorded on each change. Default: the login name.": (
        "变更记录中的操作人。默认：登录用户名。"
    ),
    "en or zh, like --lang. Default: the locale (LC_ALL, LC_MESSAGES, LANG).": (
        "en 或 zh，同 --lang。默认：按系统区域设置（LC_ALL、LC_MESSAGES、LANG）。"
    ),
    "1: tables and bars in ASCII only, like --ascii.": (
        "设为 1：表格和进度条只用 ASCII 字符，同 --ascii。"
    ),
    "Seconds a change waits for another one to finish. Default: 30.": (
        "变更等待另一个变更完成的秒数。默认：30。"
    ),
    "The pager for output longer than the screen. Default: less -R; cat: none.": (
        "输出超过一屏时使用的分页器。默认：less -R；设为 cat：不分页。"
    ),
    "Any value: no colours.": "设为任意值：不用颜色。",
    "The width of tables. Default: the terminal's.": "表格宽度。默认：终端宽度。",
    "1: an internal error shows its traceback.": "设为 1：内部错误时显示调用栈。",
    "Task id, like 3.4.": "任务编号，如 3.4。",
    "Plan file (default: the bundled 2024 plan).": "计划文件（默认：内置的 2024 年计划）。",
    "text or json.": "text 或 json。",
    "table or json.": "table 或 json。",
    "table, json, csv or md.": "table、json、csv 或 md。",
    "md, json or csv.": "md、json 或 csv。",
    "text or json (the change and its events).": "text 或 json（本次变更及其记录）。",
    "Show what would change; write nothing.": "只显示将会有哪些改动，不写入。",
    "Only this index: its number or code.": "只看这个指数：填编号或代码。",
    "Only these statuses (repeat): todo, in_progress, blocked, done.": (
        "只看这些状态（可重复）：todo 未开始、in_progress 进行中、blocked 受阻、done 已完成。"
    ),
    "Only tasks assigned to this person.": "只看分派给此人的任务。",
    "Only tasks nobody has.": "只看无人负责的任务。",
    "Only tasks past their due date and not done.": "只看已过截止日期且未完成的任务。",
    "Text in titles, source, places, partners, notes (case and script ignored).": (
        "在标题、原文、地点、协作单位、备注中查找（不分大小写和繁简体）。"
    ),
    "id, due, progress, status or updated.": (
        "id 编号、due 截止日期、progress 进度、status 状态或 updated 更新时间。"
    ),
    "At most N rows; 0 for all. Default: 100 in a table, all in json/csv/md.": (
        "最多显示 N 行；0 表示全部。默认：表格 100 行，json/csv/md 全部。"
    ),
    "Include tasks that left the plan.": "包括已移出计划的任务。",
    "Who takes the task(s).": "由谁负责这些任务。",
    "todo, in_progress, blocked or done.": (
        "todo 未开始、in_progress 进行中、blocked 受阻或 done 已完成。"
    ),
    "Percent done, 0-100.": "完成百分比，0-100。",
    "Due date YYYY-MM-DD, or 'none' to fall back to the plan's.": (
        "截止日期 YYYY-MM-DD，或填 none 恢复为计划规定的日期。"
    ),
    "A note (required when blocking: say why).": "备注（标记受阻时必填：写明原因）。",
    "A closing note.": "完成时的备注。",
    "The note.": "备注内容。",
    "Only this task.": "只看这项任务。",
    "From this date (YYYY-MM-DD).": "从这一天起（YYYY-MM-DD）。",
    "Up to and including this date.": "到这一天为止（含当天）。",
    "Only the last N events; 0 for all.": "只显示最近 N 条记录；0 表示全部。",
    "If the store is damaged, bring back its newest good backup (keeping it aside).": (
        "数据文件损坏时，恢复最新的完好备份（损坏的文件另行保留）。"
    ),
    "ISO week YYYY-Www, like 2024-W10. Default: the week holding today.": (
        "ISO 周 YYYY-Www，如 2024-W10。默认：今天所在的一周。"
    ),
    "Instead of a week: the first day (YYYY-MM-DD).": "不按周时：第一天（YYYY-MM-DD）。",
    "The last day, included (default: today).": "最后一天，含当天（默认：今天）。",
    "Write to this file (replaced whole, never half-written) instead of stdout.": (
        "写入此文件，而不是标准输出（整个替换，不会只写一半）。"
    ),
    # ------------------------------------------------------------ table headers and names
    "ID": "编号",
    "Task": "任务",
    "Tasks": "任务数",
    "Index": "指数",
    "Status": "状态",
    "Progress": "进度",
    "Assignee": "负责人",
    "Unit": "责任单位",
    "Due": "截止日期",
    "Updated": "更新时间",
    "Places": "地点",
    "Source": "原文",
    "Title (other language)": "英文标题",
    "Field": "项目",
    "Value": "内容",
    "When": "时间",
    "Who": "操作人",
    "Note": "备注",
    "Notes": "备注",
    "History": "历史记录",
    "Action": "操作",
    "Change": "变化",
    "Change in tasks done": "已完成数变化",
    "Change in progress (points)": "进度变化（百分点）",
    "Blocked at end": "期末受阻",
    "Total": "合计",
    "% done": "完成率 %",
    "Done at start": "期初已完成",
    "Done at end": "期末已完成",
    "Progress at start": "期初进度",
    "Progress at end": "期末进度",
    "Progress by index": "各指数进度",
    "(archived)": "（已归档）",
    "overdue": "逾期",
    "overdue since {date}": "{date} 起逾期",
    ", ": "，",
    "{n} blocked": "受阻 {n} 项",
    "{n} overdue": "逾期 {n} 项",
    "unassigned": "已取消分派",
    "yes": "是",
    "no": "否",
    "todo": "未开始",
    "in progress": "进行中",
    "blocked": "受阻",
    "done": "已完成",
    "assign": "分派",
    "unassign": "取消分派",
    "update": "更新",
    "note": "备注",
    "undo": "撤销",
    "load": "载入",
    "hand edit": "手工修改",
    "status": "状态",
    "progress": "进度",
    "assignee": "负责人",
    "due": "截止日期",
    "archived": "归档",
    "title": "标题",
    "English title": "英文标题",
    "source text": "原文",
    "places": "地点",
    "partners": "协作单位",
    "plan due date": "计划截止日期",
    "index": "指数",
    "plan": "计划",
    "tasks": "任务",
    "{count} added": "新增 {count} 项",
    "{status}, {progress}%": "{status}，{progress}%",
    # ------------------------------------------------------------ command messages
    "loaded the bundled {year} plan ({count} tasks) into {db}": (
        "已把内置的 {year} 年计划（{count} 项任务）载入 {db}"
    ),
    "plans/2024.yaml (bundled)": "plans/2024.yaml（内置）",
    "{file}: valid — {year} plan, {indices}, {tasks} ({counts})": (
        "{file}：有效。{year} 年计划，{indices}，{tasks}（{counts}）"
    ),
    "1 index": "1 个指数",
    "{count} indices": "{count} 个指数",
    "1 task": "1 项任务",
    "{count} tasks": "{count} 项任务",
    "no tasks": "没有任务",
    "1 event": "1 条记录",
    "{count} events": "{count} 条记录",
    "1 problem": "1 个问题",
    "{count} problems": "{count} 个问题",
    "1 error; the plan was not accepted": "1 处错误；计划未被接受",
    "{count} errors; the plan was not accepted": "{count} 处错误；计划未被接受",
    "{year} plan from {file}": "{year} 年计划，来自 {file}",
    "added {n}: {ids}": "新增 {n} 项：{ids}",
    "changed {n}: {ids}": "修改 {n} 项：{ids}",
    "archived {n}: {ids}": "归档 {n} 项：{ids}",
    "restored {n}: {ids}": "恢复 {n} 项：{ids}",
    "unchanged {n}": "未变 {n} 项",
    "dry run: nothing was written": "试运行：没有写入任何内容",
    "store updated: {db}": "数据文件已更新：{db}",
    "store created: {db}": "已新建数据文件：{db}",
    "store {path} does not exist; check --db or LIANTA_DB, or make a new store there with "
    "'lianta load --db {path}'": (
        "数据文件 {path} 不存在；请检查 --db 或 LIANTA_DB，或用 lianta load --db {path} 在那里新建"
    ),
    "nothing to write: {db}": "没有需要写入的内容：{db}",
    "{tasks} · {year} plan · as of {today}": "{tasks}，{year} 年计划，截至 {today}",
    "{shown} of {total} tasks": "显示 {shown}/{total} 项任务",
    "showing {shown} of {total} tasks; --limit 0 shows all": (
        "只显示了 {total} 项任务中的 {shown} 项；--limit 0 显示全部"
    ),
    "{year} plan · as of {today}": "{year} 年计划，截至 {today}",
    "{events} · {year} plan": "{events}，{year} 年计划",
    "nothing changed": "没有任何改动",
    "{what} {ids} in the {year} plan (change {change}; 'lianta undo' reverts it)": (
        "{what} {year} 年计划的 {ids}（变更 {change}；可用 lianta undo 撤销）"
    ),
    "assigned": "已分派",
    "updated": "已更新",
    "done:": "已完成：",
    "noted on": "已添加备注：",
    "{what} {ids} (change {change}; 'lianta undo' reverts it)": (
        "{what} {ids}（变更 {change}；可用 lianta undo 撤销）"
    ),
    "would undo change {n} — {what} by {who} at {when}": (
        "将撤销变更 {n}：{who} 于 {when} 的{what}"
    ),
    "undid change {n} — {what} by {who} at {when}; recorded as change {change}": (
        "已撤销变更 {n}：{who} 于 {when} 的{what}；记为变更 {change}"
    ),
    "{ids} of the {year} plan": "{year} 年计划的 {ids}",
    "change {n} ({by}, {at}, on {tasks}) was recorded before the plan load (change {load}); "
    "'lianta undo --before-load' reverts it anyway": (
        "变更 {n}（{by}，{at}，涉及 {tasks}）记录于计划载入（变更 {load}）之前；"
        "如仍要撤销，请用 lianta undo --before-load"
    ),
    "Say which change would be undone; change nothing.": "说明将撤销哪次变更，不做任何改动。",
    "Undo it even if it was recorded before the last plan load.": (
        "即使该变更记录于最近一次计划载入之前，也撤销它。"
    ),
    "wrote {path}": "已写入 {path}",
    "interrupted; {outcome}": "已中断；{outcome}",
    "internal error ({kind}: {error}); {outcome}; LIANTA_DEBUG=1 shows details": (
        "内部错误（{kind}：{error}）；{outcome}；设置 LIANTA_DEBUG=1 可查看详情"
    ),
    "nothing was changed": "没有做任何改动",
    "the change was saved (change {change}; 'lianta history' shows it)": (
        "改动已保存（变更 {change}；可用 lianta history 查看）"
    ),
    "cannot write the output: ": "无法写出结果：",
    "{where}{reason}; {outcome}": "{where}{reason}；{outcome}",
    "{message} (see '{where} --help')": "{message}（参见 {where} --help）",
    "--format {value}: use one of {formats}": "--format {value}：请使用 {formats} 之一",
    "--limit {limit}: must be 0 (all) or more": "--limit {limit}：须为 0（全部）或更大的数",
    "--lang {value}: use en or zh": "--lang {value}：请使用 en 或 zh",
    # ------------------------------------------------------------ dates and the clock
    "{what}: {value!r} is not a real date in the form YYYY-MM-DD": (
        "{what}：{value!r} 不是 YYYY-MM-DD 格式的有效日期"
    ),
    "LIANTA_NOW={value!r} is not an ISO date or date-time (e.g. 2024-03-08 or 2024-03-08T17:30)": (
        "LIANTA_NOW={value!r} 不是 ISO 日期或日期时间（如 2024-03-08 或 2024-03-08T17:30）"
    ),
    # ------------------------------------------------------------ tasks
    "the store holds no plan yet; run 'lianta load PLAN'": (
        "数据文件中还没有计划；请运行 lianta load 计划文件"
    ),
    "--plan {year}: no such plan in the store (it holds {years})": (
        "--plan {year}：数据文件中没有这个计划（现有：{years}）"
    ),
    " (did you mean {near}?)": "（是不是 {near}？）",
    "--index {value}: no such index{hint}; valid: {valid}": (
        "--index {value}：没有这个指数{hint}；可用：{valid}"
    ),
    "--sort {value}: use one of {valid}{hint}": "--sort {value}：请使用 {valid} 之一{hint}",
    "{option} {value}: not a status{hint}; use one of {valid}": (
        "{option} {value}：不是有效的状态{hint}；请使用 {valid} 之一"
    ),
    "give at least one task id, like 3.4": "请至少给出一个任务编号，如 3.4",
    "task id {id!r} is not of the form N.M, like 3.4{hint}": (
        "任务编号 {id!r} 不是 N.M 的形式（如 3.4）{hint}"
    ),
    "no task {id} in the {year} plan{hint}": "{year} 年计划中没有任务 {id}{hint}",
    "task {id} is archived (it left the {year} plan)": "任务 {id} 已归档（已移出 {year} 年计划）",
    "{range}: no task {id} in the {year} plan": "{range}：{year} 年计划中没有任务 {id}",
    "{range}: the range runs backwards; write {start}-{end}": (
        "{range}：范围写反了；请写成 {start}-{end}"
    ),
    "{range}: not a range of task ids; write it like 1.1-1.3": (
        "{range}：不是任务编号范围；请写成 1.1-1.3 这样"
    ),
    "{value}: no index {number} in the {year} plan; it has {valid}": (
        "{value}：{year} 年计划中没有指数 {number}；现有：{valid}"
    ),
    "{value}: give one task id here, like 3.4 (a range or group names several)": (
        "{value}：这里只能给一个任务编号，如 3.4（范围或分组会包含多项任务）"
    ),
    "{id!r} is not a task id (like 3.4), a range (1.1-1.3), an index's tasks (1.*) "
    "or an index code ({codes}){hint}": (
        "{id!r} 不是任务编号（如 3.4）、编号范围（1.1-1.3）、某指数的全部任务（1.*）"
        "或指数代码（{codes}）{hint}"
    ),
    "{option}: the name is empty": "{option}：名称为空",
    "{option}: the name holds {code}, a control, invisible or line-break character": (
        "{option}：名称含有 {code}，这是控制字符、不可见字符或换行符"
    ),
    "the note holds {code}, a control or invisible character (an escape sequence or a "
    "direction override?); notes are plain text": (
        "备注含有 {code}，这是控制字符或不可见字符（转义序列或文字方向控制符？）；备注只能是纯文本"
    ),
    "the system's user name (LIANTA_USER sets another)": "系统用户名（可用 LIANTA_USER 另设）",
    "{option}: the name is longer than {n} characters": "{option}：名称超过 {n} 个字符",
    "the note is empty; say what happened": "备注为空；请写明情况",
    "the note is longer than {n} characters": "备注超过 {n} 个字符",
    "task {id}: status done means progress 100, not {progress}": (
        "任务 {id}：状态为已完成时进度应为 100，而不是 {progress}"
    ),
    "task {id}: progress 100 means status done, not {status}": (
        "任务 {id}：进度 100 表示已完成，状态不能是 {status}"
    ),
    "task {id}: status todo means progress 0, not {progress}": (
        "任务 {id}：状态为未开始时进度应为 0，而不是 {progress}"
    ),
    "task {id} is done (progress 100); to reopen it give --progress below 100 as well, "
    "e.g. --status {status} --progress 90": (
        "任务 {id} 已完成（进度 100）；如要重新打开，请同时给出低于 100 的 --progress，"
        "如 --status {status} --progress 90"
    ),
    "--progress {value}: must be a whole number from 0 to 100": (
        "--progress {value}：须为 0 到 100 的整数"
    ),
    "nothing to change: give --status, --progress, --due or --note": (
        "没有要修改的内容：请给出 --status、--progress、--due 或 --note"
    ),
    "task {id}: blocking needs a reason; add --note 'why it is stuck'": (
        "任务 {id}：标记受阻须说明原因；请加上 --note 受阻原因"
    ),
    "--since {since} is after --until {until}": "--since {since} 晚于 --until {until}",
    "nothing to undo": "没有可撤销的变更",
    "change {n} cannot be undone: its tasks are gone": "变更 {n} 无法撤销：相关任务已不存在",
    # ------------------------------------------------------------ the store
    "run 'lianta doctor --db {path}' to check it and restore a backup": (
        "请运行 lianta doctor --db {path} 检查并恢复备份"
    ),
    "store {path} {problem}; {hint}": "数据文件 {path} {problem}；{hint}",
    "store {path} is damaged ({problem}); {hint}": "数据文件 {path} 已损坏（{problem}）；{hint}",
    "is empty or truncated": "为空或不完整",
    "contains NUL bytes (a damaged write?)": "含有 NUL 字节（写入时损坏？）",
    "is not valid JSON ({error})": "不是有效的 JSON（{error}）",
    "is damaged ({problem})": "已损坏（{problem}）",
    "has no {name!r}": "缺少 {name!r}",
    "{name!r} is {kind}, not {expected}": "{name!r} 的类型是 {kind}，应为 {expected}",
    "status {status!r} is not one of {statuses}": "状态 {status!r} 不是 {statuses} 之一",
    "progress {progress} is not within 0-100": "进度 {progress} 不在 0-100 之间",
    "has a note without text": "有一条没有内容的备注",
    "the top level is not a mapping of tables": "顶层不是由数据表组成的映射",
    "unknown table {name!r}": "未知的数据表 {name!r}",
    "table {name!r} is not a mapping": "数据表 {name!r} 不是映射",
    "table {name!r} has a malformed document {key!r}": "数据表 {name!r} 中的文档 {key!r} 格式有误",
    "schema {schema!r}, expected {expected}": "格式版本为 {schema!r}，应为 {expected}",
    "plan document {key} has no valid {name!r}": "计划文档 {key} 缺少有效的 {name!r}",
    "task document {key} ({id}) {problem}": "任务文档 {key}（{id}）{problem}",
    "history event {key} is not an event": "历史记录 {key} 不是有效的记录",
    "it holds tasks or history but no plan": "有任务或历史记录，却没有计划",
    "the text given is not valid Unicode (an argument in another encoding?); nothing was changed": (
        "输入的文字不是有效的 Unicode（参数用了别的编码？）；没有做任何改动"
    ),
    "no space left on the disk": "磁盘空间已满",
    "permission denied": "没有权限",
    "the file system is read-only": "文件系统为只读",
    "cannot save store {path}: {reason}; nothing was changed": (
        "无法保存数据文件 {path}：{reason}；没有做任何改动"
    ),
    "store {path} is a folder, not a file": "数据文件 {path} 是文件夹，不是文件",
    "cannot read store {path}: {reason}": "无法读取数据文件 {path}：{reason}",
    "LIANTA_LOCK_TIMEOUT={value!r} is not a number of seconds (e.g. 30)": (
        "LIANTA_LOCK_TIMEOUT={value!r} 不是秒数（如 30）"
    ),
    "cannot write in {folder}: {reason}; nothing was changed": (
        "无法在 {folder} 中写入：{reason}；没有做任何改动"
    ),
    "store is busy: another lianta holds {lock} (waited {seconds} s; "
    "LIANTA_LOCK_TIMEOUT sets the wait)": (
        "数据文件正忙：另一个 lianta 正占用 {lock}（已等待 {seconds} 秒；"
        "等待时间由 LIANTA_LOCK_TIMEOUT 设定）"
    ),
    "cannot lock {lock}: {reason}; nothing was changed": (
        "无法锁定 {lock}：{reason}；没有做任何改动"
    ),
    "store {path} is missing but its backup {backup} exists; run 'lianta doctor --db {path} "
    "--restore' to bring it back (or delete the backups to start afresh)": (
        "数据文件 {path} 不见了，但备份 {backup} 还在；运行 lianta doctor --db {path} --restore "
        "可恢复（或删除备份后重新开始）"
    ),
    "store {path} holds nothing but its backup {backup} exists; run 'lianta doctor --db {path} "
    "--restore' to bring it back (or delete the backups to start afresh)": (
        "数据文件 {path} 是空的，但备份 {backup} 还在；运行 lianta doctor --db {path} --restore "
        "可恢复（或删除备份后重新开始）"
    ),
    "the name is too long": "名称太长",
    "cannot use store {path}: {reason}": "无法使用数据文件 {path}：{reason}",
    "store {path} is {kind}, not a store file": "数据文件 {path} 是{kind}，不是数据文件",
    "a symbolic link": "符号链接",
    "a FIFO (named pipe)": "命名管道（FIFO）",
    "a device": "设备",
    "a socket": "套接字",
    "not a regular file": "非普通文件",
    "the backup copy does not read back as written": "备份副本读回的内容与写入的不一致",
    "another lianta created {path} while this command ran; nothing was saved; "
    "run the command again": (
        "本命令运行期间另一个 lianta 创建了 {path}；没有保存任何内容；请重新运行该命令"
    ),
    "lock file {lock} is a symbolic link; lianta does not follow it: remove it and run the "
    "command again": ("锁文件 {lock} 是符号链接；lianta 不会跟随它：请删除它后重新运行命令"),
    "LIANTA_NOW={now} is before the latest change in the store ({latest}); changes are kept "
    "in time order, so record older ones first or give a later time": (
        "LIANTA_NOW={now} 早于数据文件中最近的一次变更（{latest}）；变更按时间顺序保存，"
        "请先记录较早的变更，或给出更晚的时间"
    ),
    "the clock says {now}, before the latest change in the store ({latest}); changes are "
    "kept in time order: check the computer's clock, or give the time with LIANTA_NOW": (
        "系统时钟为 {now}，早于数据文件中最近的一次变更（{latest}）；变更按时间顺序保存："
        "请检查电脑时钟，或用 LIANTA_NOW 指定时间"
    ),
    "LIANTA_NOW={value!r} is out of the range of dates lianta keeps": (
        "LIANTA_NOW={value!r} 超出了 lianta 能记录的日期范围"
    ),
    "the period ends on {end}; a report's period must end by {last}": (
        "时段结束于 {end}；报告的时段最晚只能到 {last}"
    ),
    "has a note without its time or author": "有一条备注缺少时间或记录人",
    "its last change is recorded as {last} but the history has change {n}": (
        "记录的最近变更号是 {last}，但历史记录中有变更 {n}"
    ),
    "store {link} is a symbolic link to {path}: its lock and backups are beside {path}": (
        "数据文件 {link} 是指向 {path} 的符号链接：它的锁文件和备份在 {path} 旁边"
    ),
    "the store file holds nothing, but backups of it exist": "数据文件是空的，但它的备份还在",
    "is {kind}": "是{kind}",
    "history event {seq} is dated {at}, before the event ahead of it ({before})": (
        "历史记录 {seq} 的时间为 {at}，早于它前面的记录（{before}）"
    ),
    "the plan's own fields": "计划本身的字段",
    "task {task}: {fields}": "任务 {task}：{fields}",
    "task {task} is missing": "缺少任务 {task}",
    "task {task} is not in it": "任务 {task} 不在其中",
    "task {task} is archived": "任务 {task} 已归档",
    "plan {year}: the stored plan text differs from {file}, which is unchanged since it was "
    "loaded (edited by hand?): {what}": (
        "{year} 年计划：数据文件中的计划文字与 {file} 不一致，而该文件自载入后没有改动"
        "（被手工修改过？）：{what}"
    ),
    "is {kind}, not a plan file": "是{kind}，不是计划文件",
    "is larger than {size} MB; a plan file is smaller": "超过 {size} MB；计划文件不会这么大",
    # ------------------------------------------------------------ doctor
    "task document {key}": "任务文档 {key}",
    "task {task} ({year})": "任务 {task}（{year}）",
    "no good backup to restore": "没有可用来恢复的完好备份",
    "backup {path}: none": "备份 {path}：无",
    "backup {path}: damaged ({first}{more})": "备份 {path}：已损坏（{first}{more}）",
    "backup {path}: good (change {change}, {tasks}, saved {saved})": (
        "备份 {path}：完好（变更 {change}，{tasks}，保存于 {saved}）"
    ),
    "the store file is missing, but backups of it exist": "数据文件不见了，但它的备份还在",
    "the meta table has no document 1 (schema, last change)": (
        "meta 表缺少 1 号文档（格式版本、最后的变更号）"
    ),
    "schema {found!r}, expected {schema} (a store of another lianta version?)": (
        "格式版本为 {found!r}，应为 {schema}（是其他版本 lianta 的数据文件？）"
    ),
    "meta: last_change {value!r} is not a whole number": "meta：last_change {value!r} 不是整数",
    "meta: last_change is {last} but the history has change {n}": (
        "meta：last_change 为 {last}，但历史记录中有变更 {n}"
    ),
    "restored {path} from {source} (change {change})": "已从 {source} 恢复 {path}（变更 {change}）",
    "store {path}: none yet (the first command makes the default store; 'lianta load' makes "
    "one anywhere)": (
        "数据文件 {path}：尚未创建（第一条命令会创建默认数据文件；lianta load 可在任意位置创建）"
    ),
    "leftover {path} from an interrupted save (harmless; the next save removes it)": (
        "{path} 是中断的保存留下的临时文件（无害；下次保存时删除）"
    ),
    "cannot restore: {reason}": "无法恢复：{reason}",
    "no backup is good, so --restore cannot help": "没有完好的备份，--restore 无法恢复",
    "the file {problem}": "文件{problem}",
    "plan document {key}: no valid year": "计划文档 {key}：没有有效的年份",
    "plan {year} is stored twice": "{year} 年计划存了两份",
    "plan {year}: its indices are malformed": "{year} 年计划：指数数据格式有误",
    "plan {year}: {field} is not a date": "{year} 年计划：{field} 不是日期",
    "{task}: {problem}": "{task}：{problem}",
    "warning: ": "警告：",
    "{task}: due {value!r} is not a date": "{task}：截止日期 {value!r} 不是日期",
    "{task}: its plan is not in the store": "{task}：所属计划不在数据文件中",
    "{task}: status {status} with progress {progress}": (
        "{task}：状态为 {status}，进度却是 {progress}"
    ),
    "{task}: the id is used twice in its plan": "{task}：编号在所属计划中重复",
    "{task}: index {index} is not an index of its plan": "{task}：指数 {index} 不属于其计划",
    "history event {seq}: no {fields}": "历史记录 {seq}：缺少 {fields}",
    "history event {seq}: change {value!r} is not a number from 1": (
        "历史记录 {seq}：变更号 {value!r} 不是从 1 起的整数"
    ),
    "history event {seq}: change {n} comes after change {m}": (
        "历史记录 {seq}：变更 {n} 排在变更 {m} 之后"
    ),
    "history event {seq}: malformed time or field": "历史记录 {seq}：时间或字段格式有误",
    "history event {seq}: plan {year!r} is not in the store": (
        "历史记录 {seq}：计划 {year!r} 不在数据文件中"
    ),
    "history event {seq}: an undo of no earlier change": "历史记录 {seq}：撤销的变更并不存在",
    "history event {seq}: task {task} is not in the {year} plan": (
        "历史记录 {seq}：任务 {task} 不在 {year} 年计划中"
    ),
    "history event {seq}: takes out a note task {task} does not have": (
        "历史记录 {seq}：删除了任务 {task} 并没有的备注"
    ),
    "task {task} ({year}): it holds a note its history never added: {note}": (
        "任务 {task}（{year}）：有一条历史记录中从未添加过的备注：{note}"
    ),
    "task {task} ({year}): a note its history added is gone: {note}": (
        "任务 {task}（{year}）：历史记录中添加过的一条备注不见了：{note}"
    ),
    "store {path} does not agree with its history ({problem}{more}); run 'lianta doctor --db "
    "{path}': --accept records a deliberate hand edit, --restore brings back a backup": (
        "数据文件 {path} 与其历史记录不符（{problem}{more}）；请运行 lianta doctor --db {path}："
        "--accept 把有意的手工修改记为一次变更，--restore 恢复备份"
    ),
    "the store has problems that are not edits of tasks; 'lianta doctor --restore' brings "
    "back a good backup": (
        "数据文件的问题不只是对任务的修改；lianta doctor --restore 可恢复完好的备份"
    ),
    "nothing to accept: the store agrees with its history": (
        "没有需要接受的修改：数据文件与历史记录一致"
    ),
    "cannot accept: {reason}": "无法接受：{reason}",
    "recorded 1 hand edit as change {change}:": "已把 1 处手工修改记为变更 {change}：",
    "recorded {count} hand edits as change {change}:": "已把 {count} 处手工修改记为变更 {change}：",
    "if the file was edited on purpose, 'lianta doctor --db {path} --accept' records the "
    "edits as a change": (
        "如果是有意手工修改了文件，lianta doctor --db {path} --accept 会把这些修改记为一次变更"
    ),
    "task {task} ({year}): history event {seq} changes {field} from {old} but it was {was}": (
        "任务 {task}（{year}）：历史记录 {seq} 把{field}从 {old} 改掉，但当时的值是 {was}"
    ),
    "task {task} ({year}): {field} is {stored} but its history ends at {value}": (
        "任务 {task}（{year}）：{field}为 {stored}，但历史记录的最终值是 {value}"
    ),
    "store {path}: healthy (change {change}, {tasks}, {events})": (
        "数据文件 {path}：完好（变更 {change}，{tasks}，{events}）"
    ),
    "store {path}: damaged ({problems})": "数据文件 {path}：已损坏（{problems}）",
    "store {path}: was damaged ({problems})": "数据文件 {path}：曾损坏（{problems}）",
    "store {path}: was missing": "数据文件 {path}：曾丢失",
    "  problem: {text}": "  问题：{text}",
    "the damaged file is kept as {damaged}": "损坏的文件已保留为 {damaged}",
    "; +{n} more": "；另有 {n} 个",
    "  … {n} more (--format json lists them all)": "  … 另有 {n} 个（--format json 可全部列出）",
    "cannot be read: {reason}": "无法读取：{reason}",
    "the file is not valid JSON ({error})": "文件不是有效的 JSON（{error}）",
    "table {name!r}: document {key!r} is malformed": "数据表 {name!r}：文档 {key!r} 格式有误",
    "run 'lianta doctor --db {path} --restore' to bring back {source}": (
        "运行 lianta doctor --db {path} --restore 可恢复 {source}"
    ),
    # ------------------------------------------------------------ summary and weekly report
    "No changes were recorded in this period.": "这段时间没有记录到任何变动。",
    "The plan declares {declared} indices and describes {described}.": (
        "计划声明有 {declared} 个指数，实际列出 {described} 个。"
    ),
    "Weekly report {week}": "{week} 周报",
    "Report {start} to {end}": "{start} 至 {end} 报告",
    "{plan} · {start} to {end}": "{plan}，{start} 至 {end}",
    "Completed ({count})": "已完成（{count}）",
    "Started ({count})": "已开始（{count}）",
    "Blocked ({count})": "受阻（{count}）",
    "Unblocked ({count})": "解除受阻（{count}）",
    "Newly assigned ({count})": "新分派（{count}）",
    "Progress moves ({count})": "进度变化（{count}）",
    "Notes added ({count})": "新增备注（{count}）",
    "Overdue on {date} ({count})": "截至 {date} 逾期（{count}）",
    "Open tasks with nobody assigned ({count})": "无人负责的未完成任务（{count}）",
    "Still blocked ({count})": "仍然受阻（{count}）",
    "since {date}": "自 {date} 起",
    "nobody assigned": "无人负责",
    " · {year} plan": "（{year} 年计划）",
    " · as of {date}": "，截至 {date}",
    "{number} {name}: {aim}": "{number} {name}：{aim}",
    "What the indices set out to achieve:": "各指数的目标：",
    "'aim' and 'aim_en' go together: give both or neither": (
        "'aim' 和 'aim_en' 须同时给出，或都不给"
    ),
    "Aim of the index": "指数目标",
    "The {year} plan begins on {date}.": "{year} 年计划从 {date} 开始。",
    "The {year} plan ended on {date}.": "{year} 年计划已于 {date} 结束。",
    "This period lies before the {year} plan, which begins on {date}.": (
        "这段时间在 {year} 年计划开始之前（计划从 {date} 开始）。"
    ),
    "This period lies after the {year} plan, which ended on {date}.": (
        "这段时间在 {year} 年计划结束之后（计划已于 {date} 结束）。"
    ),
    "The {year} plan begins on {date}, within this period.": (
        "{year} 年计划从 {date} 开始，在这段时间之内。"
    ),
    "The {year} plan ended on {date}, within this period.": (
        "{year} 年计划已于 {date} 结束，在这段时间之内。"
    ),
    "The {year} plan ends on {date}, within this period.": (
        "{year} 年计划将于 {date} 结束，在这段时间之内。"
    ),
    "the period {start} to {end} has not begun (today is {today})": (
        "{start} 至 {end} 这段时间还没有开始（今天是 {today}）"
    ),
    "now {state}": "现为{state}",
    "due {date}, {days} days late": "截止 {date}，已逾期 {days} 天",
    "due {date}": "截止 {date}",
    "due {date}, 1 day late": "截止 {date}，已逾期 1 天",
    # ------------------------------------------------------------ plan files
    "the bundled plan plans/2024.yaml is missing from this installation": (
        "本次安装中缺少内置计划 plans/2024.yaml"
    ),
    "empty": "空值",
    "{value} (which YAML reads as true/false)": "{value}（YAML 会把它读成是/否）",
    "the number {value}": "数字 {value}",
    "the text {text}": "文字 {text}",
    "a list": "列表",
    "a mapping": "映射",
    "an empty list": "空列表",
    "must be a mapping of fields, not {value}": "应为字段映射，而不是{value}",
    " (did you mean '{name}'?)": "（是不是 '{name}'？）",
    "unknown field '{name}'": "未知字段 '{name}'",
    "'{field}' is required": "缺少必填字段 '{field}'",
    "'{field}' must not be empty": "'{field}' 不能为空",
    "; put it in quotes": "；请加上引号",
    "'{field}' must be text, not {value}": "'{field}' 应为文字，而不是{value}",
    "{field} must be one line of text (it holds a line break)": (
        "{field} 应为一行文字（其中有换行）"
    ),
    "{field} holds {character}": "{field} 含有{character}",
    "a line break": "换行符",
    "the control character {code}": "控制字符 {code}",
    "the direction control {code}": "文字方向控制符 {code}",
    "the invisible character {code}": "不可见字符 {code}",
    "text that is not valid Unicode ({code})": "无效的 Unicode 文字（{code}）",
    "{option} is given more than once; give it once": "{option} 给了不止一次；只能给一次",
    "lianta: warning: {warning}": "lianta：警告：{warning}",
    "--unassigned and --assignee cannot be combined: a task someone has is assigned": (
        "--unassigned 不能与 --assignee 同时使用：有负责人的任务不是未分派的"
    ),
    "--overdue cannot be combined with --status done: a done task is never overdue": (
        "--overdue 不能与 --status done 同时使用：已完成的任务不会逾期"
    ),
    "due {due} is outside the {year} plan ({start} to {end})": (
        "截止日期 {due} 在 {year} 年计划（{start} 至 {end}）之外"
    ),
    "'{field}' must be a whole number, not {value}": "'{field}' 应为整数，而不是{value}",
    "'{field}' must be a date written YYYY-MM-DD, not {value}": (
        "'{field}' 应为 YYYY-MM-DD 格式的日期，而不是{value}"
    ),
    "'{field}' {value} is not a real date": "'{field}' {value} 不是有效日期",
    "; write [{value}]": "；请写成 [{value}]",
    "'{field}' must be a list of text, not {value}": "'{field}' 应为文字列表，而不是{value}",
    "'{field}' item {n}": "'{field}' 第 {n} 项",
    "{field} must be non-empty text, not {value}": "{field} 应为非空文字，而不是{value}",
    "no such file": "文件不存在",
    "is a folder, not a plan file": "是文件夹，不是计划文件",
    "cannot read: {reason}": "无法读取：{reason}",
    "the file is {encoding} text; save it as UTF-8": "文件是 {encoding} 编码；请另存为 UTF-8",
    "it looks like GBK (GB18030); save it as UTF-8": "看起来是 GBK（GB18030）编码；请另存为 UTF-8",
    "save it as UTF-8": "请另存为 UTF-8",
    "not UTF-8 text (byte {byte}); {hint}": "不是 UTF-8 文本（字节 {byte}）；{hint}",
    "the file is empty; a plan needs 'plan' and 'indices'": (
        "文件是空的；计划须包含 'plan' 和 'indices'"
    ),
    "the file holds only comments; a plan needs 'plan' and 'indices'": (
        "文件里只有注释；计划须包含 'plan' 和 'indices'"
    ),
    "the file contains a NUL byte; it is not a text file": "文件含有 NUL 字节；它不是文本文件",
    "the control character {code} is not allowed in a plan file": (
        "计划文件中不允许出现控制字符 {code}"
    ),
    "the character {code} is not allowed in a plan file": "计划文件中不允许出现字符 {code}",
    "the plan must be a mapping with 'plan' and 'indices', not {value}": (
        "计划应为包含 'plan' 和 'indices' 的映射，而不是{value}"
    ),
    "YAML syntax error: {problem}": "YAML 语法错误：{problem}",
    "nested too deeply": "嵌套层数过多",
    "YAML error: {problem}": "YAML 错误：{problem}",
    "a tab character where YAML allows only spaces; indent with spaces": (
        "YAML 此处只允许空格，却出现了制表符；请用空格缩进"
    ),
    "a second YAML document starts here; a plan file holds exactly one": (
        "这里开始了第二个 YAML 文档；一个计划文件只能有一个"
    ),
    "this quote is never closed": "这个引号没有闭合",
    "this line has no ':' (a field is written 'name: value')": (
        "这一行没有 ':'（字段的写法是 'name: value'）"
    ),
    "a ':' that does not fit here; check this line's indentation, or put quotes around a value "
    "that contains ': '": ("这里的 ':' 不合适；请检查本行缩进，或给含有 ': ' 的值加上引号"),
    "this line does not line up with the lines above it; check its indentation and look for an "
    "unclosed quote above": ("这一行与上面的行没有对齐；请检查缩进，并查看上面是否有未闭合的引号"),
    " ({context} at line {line}, column {column})": "（{context}，第 {line} 行第 {column} 列）",
    "merge keys ('<<') are not supported in a plan; write the fields out": (
        "计划不支持合并键（'<<'）；请把字段逐个写出"
    ),
    "tag '{tag}' does not fit this value": "标签 '{tag}' 与这个值不符",
    "the value {value} is not a valid {tag}": "值 {value} 不是有效的 {tag}",
    "tag '{tag}' is not allowed: a plan holds plain data only": (
        "不允许使用标签 '{tag}'：计划只能包含普通数据"
    ),
    "a key must be plain text, not a list or a mapping": "键应为普通文字，不能是列表或映射",
    "cannot be read as a plan: {problem}": "无法作为计划读取：{problem}",
    "duplicate key '{key}' (first at line {line})": "键 '{key}' 重复（第一次出现在第 {line} 行）",
    "'year' {year} is not a plausible year": "'year' {year} 不是合理的年份",
    "'end' {end} is before 'start' {start}": "'end' {end} 早于 'start' {start}",
    "'{field}' {day} is not in the plan's year {year}": "'{field}' {day} 不在计划年份 {year} 内",
    "'indices_declared' must be 1 or more": "'indices_declared' 须为 1 或更大",
    "the plan declares {declared} indices but describes {described}": (
        "计划声明有 {declared} 个指数，实际列出 {described} 个"
    ),
    "'framing' must be a list, not {value}": "'framing' 应为列表，而不是{value}",
    "plan, framing {n}": "计划 framing 第 {n} 项",
    "must be a non-empty list of indices, not {value}": "应为非空的指数列表，而不是{value}",
    "index {number}": "指数 {number}",
    "index #{n}": "第 {n} 个指数",
    "'number' must be 1 or more": "'number' 须为 1 或更大",
    "duplicate index number {number} (first at line {line})": (
        "指数编号 {number} 重复（第一次出现在第 {line} 行）"
    ),
    "'code' {code} must be a short lowercase ASCII word like 'industry'": (
        "'code' {code} 应为简短的小写 ASCII 单词，如 'industry'"
    ),
    "duplicate code '{code}' (first at line {line})": (
        "代码 '{code}' 重复（第一次出现在第 {line} 行）"
    ),
    "has no tasks": "没有任务",
    "'tasks' must be a list, not {value}": "'tasks' 应为列表，而不是{value}",
    "task {id}": "任务 {id}",
    "{index}, task #{n}": "{index} 第 {n} 项任务",
    "'id' {id} must be in quotes, like \"{id}\" (unquoted, YAML reads it as the number {number})": (
        "'id' {id} 须加引号，写成 \"{id}\"（不加引号时 YAML 会读成数字 {number}）"
    ),
    "'id' must be quoted text like \"3.4\" (index number, then position), not {value}": (
        "'id' 应为带引号的文字，如 \"3.4\"（指数编号加序号），而不是{value}"
    ),
    "id {id} does not belong to index {number} (its ids are {number}.1, {number}.2 …)": (
        "编号 {id} 不属于指数 {number}（该指数的编号为 {number}.1、{number}.2 …）"
    ),
    "duplicate task id {id} (first at line {line})": (
        "任务编号 {id} 重复（第一次出现在第 {line} 行）"
    ),
    # ------------------------------------------------------------ summary columns
    "To do": "未开始",
    "In progress": "进行中",
    "Blocked": "受阻",
    "Done": "已完成",
    "Overdue": "逾期",
    "Unassigned": "未分派",
    "--week {value}: not an ISO week; use YYYY-Www, like 2024-W10": (
        "--week {value}：不是 ISO 周；请写成 YYYY-Www，如 2024-W10"
    ),
    "--week {value}: no such week; {year} has weeks 1 to {last} (like {example})": (
        "--week {value}：没有这一周；{year} 年只有第 1 到第 {last} 周（如 {example}）"
    ),
    "--week cannot be combined with --since/--until; give one or the other": (
        "--week 不能与 --since/--until 同时使用；请只给其中一种"
    ),
    "--until {until}: give --since too (the first day of the period)": (
        "--until {until}：还须给出 --since（时段的第一天）"
    ),
    "--since {since} is after today ({today}); give --until": (
        "--since {since} 晚于今天（{today}）；请给出 --until"
    ),
    "--output {path}: is a folder; give a file name": "--output {path}：是文件夹；请给出文件名",
    "--output {path}: that is the store {store} (or its backup or lock)": (
        "--output {path}：这是数据文件 {store}（或其备份、锁文件）"
    ),
    "--output {path}: the folder {folder} does not exist": (
        "--output {path}：文件夹 {folder} 不存在"
    ),
    "cannot write {path}: {reason}; the file was not changed": (
        "无法写入 {path}：{reason}；文件没有改动"
    ),
    "Due {start} to {end} ({count})": "{start} 至 {end} 到期（{count}）",
    # ------------------------------------------------------------ undo by several people
    "Revert the most recent change, whoever made it.": "撤销最近一次变更，不论是谁做的。",
    "nothing of yours ({user}) to undo; 'lianta undo --anyone' reverts the most recent change "
    "whoever made it": (
        "没有你（{user}）可撤销的变更；'lianta undo --anyone' 撤销最近一次变更，不论是谁做的"
    ),
    "cannot undo change {n}: the {field} of task {id} was changed again since (change "
    "{later}, by {who}); undo that first, or set it by hand": (
        "无法撤销变更 {n}：任务 {id} 的 {field} 之后又被改过（变更 {later}，{who}）；"
        "请先撤销那次变更，或手动修改"
    ),
    "{user} may not change task {ids}: the store does not allow it; nothing was changed": (
        "{user} 无权修改任务 {ids}：数据库不允许；未做任何改动"
    ),
    # ------------------------------------------------------------ the shared database
    "A shared PostgreSQL store: its schema, its roles, and moving a store file in and out.": (
        "共享的 PostgreSQL 数据库：数据库结构、角色权限，以及数据文件的导入导出。"
    ),
    "Create lianta's schema in an empty database (--db URL).": (
        "在空数据库中建立 lianta 的数据结构（--db 地址）。"
    ),
    "Bring the database's schema to this lianta's version.": (
        "把数据库结构升级到当前 lianta 的版本。"
    ),
    "Let a database role work as the office (everything), a unit (its own tasks) or a "
    "reader; 'none' takes its rights away.": (
        "设定数据库角色的权限：督办室（全部）、责任单位（本单位的任务）或只读；"
        "'none' 收回全部权限。"
    ),
    "Copy a store file, with its whole history, into an empty database.": (
        "把数据文件连同全部历史记录复制到空数据库。"
    ),
    "Write the database into a store file (a backup to carry).": (
        "把数据库写成数据文件（可随身携带的备份）。"
    ),
    "The database role (login).": "数据库角色（登录名）。",
    "office, unit, reader or none.": "office（督办室）、unit（责任单位）、reader（只读）或 none。",
    "The unit of a unit role (e.g. 经济服务办).": "责任单位角色所属的单位（如 经济服务办）。",
    "The name its changes are recorded under (default: the role's).": (
        "记录其变更时使用的名字（默认：角色名）。"
    ),
    "The store file to copy.": "要复制的数据文件。",
    "The store file to write.": "要写入的数据文件。",
    "Replace FILE if it exists (kept as FILE.1).": "FILE 已存在时替换它（原文件保留为 FILE.1）。",
    "--restore brings back a store file's backups; a database keeps none (copy one out with "
    "'lianta db pull FILE', or use the database's own backups)": (
        "--restore 用于恢复数据文件的备份；数据库没有这种备份（可用 'lianta db pull FILE' "
        "导出一份，或使用数据库自身的备份）"
    ),
    "store is busy: other commands kept changing the same tasks for {seconds} s "
    "(LIANTA_LOCK_TIMEOUT sets the wait); nothing was changed": (
        "数据库繁忙：其他命令在 {seconds} 秒内一直在修改同样的任务"
        "（LIANTA_LOCK_TIMEOUT 设定等待时间）；未做任何改动"
    ),
    "store is busy: a row this command changes has been held by another session for "
    "{seconds} s (LIANTA_LOCK_TIMEOUT sets the wait); nothing was changed": (
        "数据库繁忙：本命令要修改的记录被另一会话占用超过 {seconds} 秒"
        "（LIANTA_LOCK_TIMEOUT 设定等待时间）；未做任何改动"
    ),
    "the role name is empty": "角色名为空",
    "created the lianta store in {db} (schema version {version})": (
        "已在 {db} 中建立 lianta 数据库（结构版本 {version}）"
    ),
    "{db}: schema version {old} -> {new}": "{db}：结构版本 {old} -> {new}",
    "{db}: schema version {version}, up to date": "{db}：结构版本 {version}，已是最新",
    "--unit names the unit of a unit role, and only of one": (
        "--unit 只用于责任单位角色，指明其所属单位"
    ),
    "a unit role needs --unit: the unit whose tasks it changes": (
        "责任单位角色须给出 --unit：它可以修改哪个单位的任务"
    ),
    "{kind}: not a kind of role; use one of {kinds}": "{kind}：不是角色类型；请用 {kinds} 之一",
    "office": "督办室",
    "reader": "只读",
    "unit {unit}": "责任单位 {unit}",
    "{role} is {kind} in {db}, recorded as {name}": (
        "{role} 在 {db} 中的身份为 {kind}，变更记录署名 {name}"
    ),
    "{role} has no rights in {db} now": "{role} 在 {db} 中已没有任何权限",
    "copied {plans} plan(s), {tasks} tasks and {events} events from {file} into {db}": (
        "已把 {file} 中的 {plans} 个计划、{tasks} 项任务和 {events} 条历史记录复制到 {db}"
    ),
    "wrote {file}: {plans} plan(s), {tasks} tasks and {events} events from {db}": (
        "已写入 {file}：来自 {db} 的 {plans} 个计划、{tasks} 项任务和 {events} 条历史记录"
    ),
    "--db {db}: 'lianta db' works on a database; give a postgresql:// URL (--db or LIANTA_DB)": (
        "--db {db}：'lianta db' 只用于数据库；请给出 postgresql:// 地址（--db 或 LIANTA_DB）"
    ),
    "{path}: no such store file": "{path}：没有这个数据文件",
    "store {path} is damaged ({problem}); run 'lianta doctor --db {path}'": (
        "数据文件 {path} 已损坏（{problem}）；请运行 'lianta doctor --db {path}'"
    ),
    "{file}: give a file to write, not a database": "{file}：请给出要写入的文件，而不是数据库",
    "a postgresql:// store needs the PostgreSQL engine: pip install 'lianta[postgresql]'": (
        "使用 postgresql:// 数据库需要安装 PostgreSQL 引擎：pip install 'lianta[postgresql]'"
    ),
    "{path} exists; give --replace to replace it (it is kept as {backup})": (
        "{path} 已存在；要替换它请加 --replace（原文件保留为 {backup}）"
    ),
    "{db} holds no lianta store; run 'lianta db init --db {db}' first": (
        "{db} 中没有 lianta 数据库；请先运行 'lianta db init --db {db}'"
    ),
    "{db} holds lianta schema version {found}; this lianta needs {latest}: run "
    "'lianta db migrate --db {db}' as its owner": (
        "{db} 的 lianta 结构版本为 {found}，当前 lianta 需要 {latest}："
        "请由数据库所有者运行 'lianta db migrate --db {db}'"
    ),
    "{db} holds lianta schema version {found}, newer than this lianta ({latest}); upgrade lianta": (
        "{db} 的 lianta 结构版本为 {found}，比当前 lianta（{latest}）新；请升级 lianta"
    ),
    "cannot connect to {db}: {reason}": "无法连接 {db}：{reason}",
    "the database does not let {user} do this ({reason}); nothing was changed": (
        "数据库不允许 {user} 这样做（{reason}）；未做任何改动"
    ),
    "the database cannot store this ({reason}); nothing was changed": (
        "数据库无法保存这些内容（{reason}）；未做任何改动"
    ),
    "{db}: {reason}; nothing was changed": "{db}：{reason}；未做任何改动",
    "{db} is not empty (it holds {tables}); 'lianta db push' copies a store into a new "
    "database only": ("{db} 不是空的（已有 {tables}）；'lianta db push' 只能复制到新数据库"),
    "the database does not let {user} change {count} document(s) of {table}; nothing was changed": (
        "数据库不允许 {user} 修改 {table} 中的 {count} 条记录；未做任何改动"
    ),
    "{db} already holds a lianta store (schema version {version})": (
        "{db} 中已有 lianta 数据库（结构版本 {version}）"
    ),
    # ------------------------------------------------------------ lights, units, the ledger
    "Give tasks to a person, a lead unit and cooperating units.": (
        "把任务分派给负责人、牵头单位和配合单位。"
    ),
    "Take tasks back from whoever has them (clears assignee and lead unit).": (
        "收回任务（清空负责人和牵头单位）。"
    ),
    "Tasks per index (or unit): counts by status, progress, overdue, lights.": (
        "各指数（或各单位）的任务：各状态数量、进度、逾期数、亮灯情况。"
    ),
    "The ledger for a spreadsheet program (Excel, WPS, LibreOffice).": (
        "导出台账，供电子表格软件（Excel、WPS、LibreOffice）使用。"
    ),
    "Every task and a summary per index, with lights, as an Excel workbook.": (
        "把全部任务和各指数汇总（含亮灯）导出为 Excel 工作簿。"
    ),
    "Take in a units' ledger (xlsx or CSV): progress, status, note, people, units, due.": (
        "导入各单位填报的台账（xlsx 或 CSV）：进度、状态、备注、负责人、单位、截止日期。"
    ),
    "CSV: start with the byte-order mark Excel needs. Default: only into a file.": (
        "CSV：在开头加上 Excel 需要的字节顺序标记（BOM）。默认：仅在写入文件时加。"
    ),
    "Only tasks this unit leads or cooperates on.": "只列出该单位牵头或配合的任务。",
    "Only these lights (repeat): red, yellow, green.": (
        "只列出这些亮灯（可重复）：red、yellow、green。"
    ),
    "Lead unit, e.g. 经济服务办; 'none' for the plan's.": (
        "牵头单位，如 经济服务办；写 'none' 则恢复计划中的牵头单位。"
    ),
    "Cooperating units (repeat, or separate with commas); 'none' for the plan's.": (
        "配合单位（可重复，或用逗号、顿号分隔）；写 'none' 则恢复计划中的配合单位。"
    ),
    "index, or unit: a row per lead or cooperating unit.": (
        "index（按指数），或 unit：每个牵头或配合单位一行。"
    ),
    "The workbook to write (replaced whole).": "要写入的工作簿（整个替换）。",
    "An .xlsx or .csv file.": ".xlsx 或 .csv 文件。",
    "--bom and --no-bom are for --format csv": "--bom 和 --no-bom 只用于 --format csv",
    "expected {expected}%, {lag} points behind: {light}": (
        "序时进度 {expected}%，滞后 {lag} 个百分点：{light}"
    ),
    "expected {expected}%, {ahead} points ahead: {light}": (
        "序时进度 {expected}%，超前 {ahead} 个百分点：{light}"
    ),
    "Schedule": "序时进度",
    "Lead unit": "牵头单位",
    "Cooperating units": "配合单位",
    "{value} (the plan says {plan})": "{value}（计划中为 {plan}）",
    "--by {value}: use index or unit": "--by {value}：请用 index 或 unit",
    "the row is of the {value} plan, not {year}; give --plan {value}": (
        "这一行属于 {value} 年计划，不是 {year} 年；请加 --plan {value}"
    ),
    (
        "the title is not task {id}'s ({title}): titles come from the plan, and a row may have "
        "the wrong id (a spreadsheet reads 1.10 as the number 1.1)"
    ): (
        "标题不是任务 {id} 的（{title}）：标题来自计划，不能在这里改；这一行的编号也可能不对"
        "（电子表格会把 1.10 读成数字 1.1）"
    ),
    "the status is empty": "状态为空",
    "{value!r} is not a status; use one of {valid} (or their names)": (
        "{value!r} 不是状态；请用 {valid} 之一（或其中文名称）"
    ),
    "blocking needs a reason: write it in the note column": "标为受阻须说明原因：请写在备注列",
    "the plan names {unit} as lead unit; write the unit that leads instead": (
        "计划中的牵头单位是 {unit}；请写上实际牵头的单位，不能留空"
    ),
    "the progress is empty": "进度为空",
    "{id!r} is not a task id like 3.4": "{id!r} 不是任务编号（应如 3.4）",
    "name": "姓名",
    "no task {id} in the {year} plan": "{year} 年计划中没有任务 {id}",
    "progress {value!r} is not a whole number from 0 to 100": "进度 {value!r} 不是 0 到 100 的整数",
    "due {value!r} is not a date; write it as YYYY-MM-DD": (
        "截止日期 {value!r} 不是日期；请写成 YYYY-MM-DD"
    ),
    "task {id} is also on {place}": "任务 {id} 在 {place} 也出现了",
    "a workbook is not for the terminal: give --output FILE.xlsx": (
        "工作簿不能输出到终端：请用 --output 文件.xlsx"
    ),
    "{plan}: the ledger as of {today}": "{plan}：截至 {today} 的台账",
    "{tasks} task(s) change, {rows} row(s) change nothing": (
        "{tasks} 项任务有改动，{rows} 行没有改动"
    ),
    "wrote {path}: {count} tasks of the {year} plan": (
        "已写入 {path}：{year} 年计划的 {count} 项任务"
    ),
    "{file}: no row has a task id; nothing to import": (
        "{file}：没有一行有任务编号；没有可导入的内容"
    ),
    "{count} problem(s); nothing was imported": "{count} 个问题；没有导入任何内容",
    "--output {path}: a workbook's file name ends in .xlsx": (
        "--output {path}：工作簿的文件名应以 .xlsx 结尾"
    ),
    "Was": "原为",
    "Now": "改为",
    "recorded as change {change} ('lianta undo' reverts it)": (
        "已记为第 {change} 次变更（'lianta undo' 可撤销）"
    ),
    "'yellow_lag' {yellow} is more than 'red_lag' {red}": (
        "'yellow_lag' {yellow} 大于 'red_lag' {red}"
    ),
    "'{field}' must be a number of points from 0 to 100, not {value}": (
        "'{field}' 必须是 0 到 100 的百分点数，不能是 {value}"
    ),
    "'{field}' {day} is outside the plan period {start} to {end}": (
        "'{field}' {day} 不在计划期间 {start} 至 {end} 内"
    ),
    "'start' {start} is after 'due' {due}": "'start' {start} 晚于 'due' {due}",
    "--light {value}: use one of {valid}{hint}": "--light {value}：请用 {valid} 之一{hint}",
    "nothing to assign: give {person}, {unit} or {cooperating}": (
        "没有要分派的内容：请给出 {person}、{unit} 或 {cooperating}"
    ),
    "green": "绿灯",
    "yellow": "黄灯",
    "red": "红灯",
    "Light": "亮灯",
    "Index no.": "指数序号",
    "Index code": "指数代码",
    "Index (English)": "指数（英文）",
    "Task (English)": "任务（英文）",
    "Expected progress": "序时进度",
    "Lag (points)": "滞后（百分点）",
    "Latest note": "最新备注",
    "Archived": "已归档",
    "Plan": "计划年度",
    "Green": "绿灯",
    "Yellow": "黄灯",
    "Red": "红灯",
    "Leads": "牵头",
    "Cooperates on": "配合",
    "Event": "事件",
    "Task ID": "任务编号",
    "Old value": "原值",
    "New value": "新值",
    "Undoes change": "撤销的变更",
    "Section": "栏目",
    "From": "从",
    "To": "到",
    "Done: change": "完成数变化",
    "Progress: change": "进度变化",
    "R/Y/G": "红/黄/绿",
    "import": "导入",
    "lead unit": "牵头单位",
    "cooperating units": "配合单位",
    "plan lead unit": "计划中的牵头单位",
    "plan start date": "计划开始日期",
    "(no lead unit)": "（无牵头单位）",
    "Summary": "汇总",
    "Task list": "任务清单",
    "'cooperating' is not a list of names": "'cooperating' 不是单位名称的列表",
    "{counts}; {verdict}": "{counts}；{verdict}",
    "{file}: no sheet has a column headed {id} (the task ids)": (
        "{file}：没有哪张工作表有标题为 {id} 的列（任务编号）"
    ),
    "{file}: an Excel 97-2003 (.xls) or WPS (.et) file; save it as .xlsx or CSV": (
        "{file}：是 Excel 97-2003（.xls）或 WPS（.et）文件；请另存为 .xlsx 或 CSV"
    ),
    "{file}: no column is headed {id} (the task ids)": "{file}：没有标题为 {id} 的列（任务编号）",
    "is a formula ({formula}); type the value itself": "是公式（{formula}）；请直接填写数值",
    "{file}: cannot read: {reason}": "{file}：无法读取：{reason}",
    "{file}: cannot be read as an .xlsx workbook ({error})": (
        "{file}：无法作为 .xlsx 工作簿读取（{error}）"
    ),
    "{file}: is not CSV that can be read ({error})": "{file}：不是可读取的 CSV（{error}）",
    "{place}: column {name!r} is not one lianta reads; left alone": (
        "{place}：lianta 不读取 {name!r} 这一列；已略过"
    ),
    (
        "{value} is a number, not a task id (a spreadsheet reads 1.10 as 1.1); format the "
        "column as text and type the id again"
    ): (
        "{value} 是数字，不是任务编号（电子表格会把 1.10 读成 1.1）；请把这一列设为文本格式，"
        "再重新输入编号"
    ),
    "merged cells; unmerge them so that each task has its own": (
        "合并了单元格；请取消合并，让每项任务有自己的单元格"
    ),
    "{place}: a second {name} column (the first is {first})": (
        "{place}：又一个 {name} 列（第一个在 {first}）"
    ),
    "{file}:{sheet} row {row}: no task id; the row is left alone": (
        "{file}:{sheet} 第 {row} 行：没有任务编号；已略过这一行"
    ),
    "{file}: read sheet {sheet}": "{file}：已读取工作表 {sheet}",
    "; other sheets left alone: {sheets}": "；其他工作表未读取：{sheets}",
    "{file}: is neither UTF-8 nor GB18030 text; save it as CSV UTF-8": (
        "{file}：既不是 UTF-8 也不是 GB18030 文本；请另存为 CSV UTF-8"
    ),
    "holds the error {error}": "含有错误值 {error}",
    "holds the control character {code}": "含有控制字符 {code}",
    "{file}: no such file": "{file}：文件不存在",
    "{file}: is a folder, not a file": "{file}：是文件夹，不是文件",
    "The ledger as an Excel workbook:": "台账导出为 Excel 工作簿：",
    "The 2025 plan's ledger:": "2025 年计划的台账：",
    "See what a units' ledger would change:": "先看各单位台账会改动什么：",
    "Then take it in (one undo reverts it):": "再导入（一次 undo 即可撤销）：",
    # several plans in one store (one per area and year)
    "Name (English)": "名称（英文）",
    "Area": "片区",
    "Name": "名称",
    "--by unit counts the units of one plan; choose it with --plan": (
        "--by unit 只统计一个计划的单位；请用 --plan 选定计划"
    ),
    "all plans of {year} · as of {today}": "{year} 年全部计划，截至 {today}",
    " · all plans of {year}": " · {year} 年全部计划",
    "{start} to {end}": "{start} 至 {end}",
    "Progress by plan": "各计划进展",
    "plan document {key}: area {value!r} is not a short lowercase code": (
        "计划记录 {key}：片区 {value!r} 不是简短的小写代码"
    ),
    "'area' is {kind}, not str": "'area' 为 {kind}，应为 str",
    "'area' {code} must be a short lowercase ASCII word like 'liantang'": (
        "'area' {code} 须为简短的小写 ASCII 单词，如 'liantang'"
    ),
    "'area' {code} is a reserved word; give the area's own name": (
        "'area' {code} 为保留字；请填写片区自己的代码"
    ),
    "'{field}' names an area: give its code in 'area' too": (
        "'{field}' 指明了片区：请同时在 'area' 中填写其代码"
    ),
    "the store holds this {year} plan ('{title}') without an area; loading it as area {area} "
    "would track its tasks twice: load it without 'area', or into another store": (
        "存储中已有不带片区的 {year} 年计划（“{title}”）；以片区 {area} 载入会把其任务跟踪两遍："
        "请去掉 'area' 后载入，或载入另一个存储"
    ),
    "--plan {value}: several plans fit ({plans}); choose one, like --plan {first}": (
        "--plan {value}：有多个计划符合（{plans}）；请选定一个，如 --plan {first}"
    ),
    "--plan all: this command acts on one plan; choose one of {plans}": (
        "--plan all：此命令只作用于一个计划；请从 {plans} 中选择"
    ),
    "--plan {value}: give a year (2024), an area (liantang) or both (liantang/2024)": (
        "--plan {value}：请给出年份（2024）、片区（liantang）或两者（liantang/2024）"
    ),
    "the store holds several plans for {year} ({plans}); choose one with --plan": (
        "存储中有多个 {year} 年计划（{plans}）；请用 --plan 选定一个"
    ),
    "Every area's plan of the year and their total:": "当年各片区的计划及合计：",
    "One area's report:": "一个片区的周报：",
    "Every area's, one after another:": "各片区的周报，依次排列：",
    # the leadership's report (lianta report)
    "The leadership's report on a week, month or quarter: a headline, charts, the detail.": (
        "领导报告：按周、月或季度，先是要点摘要，再是图表和明细。"
    ),
    "md, json, csv, html (one page with charts) or pdf (printed by Chromium).": (
        "md、json、csv、html（带图表的单页）或 pdf（由 Chromium 打印）。"
    ),
    "A month YYYY-MM, like 2024-03.": "月份 YYYY-MM，如 2024-03。",
    "A quarter YYYY-Qn, like 2024-Q1.": "季度 YYYY-Qn，如 2024-Q1。",
    "{options} go after '{command}', not before it": (
        "{options} 应放在 '{command}' 之后，而不是之前"
    ),
    "give one period: --week, --month or --quarter": (
        "只能给出一个时段：--week、--month 或 --quarter"
    ),
    "--month and --quarter cannot be combined with --since/--until; give one": (
        "--month 和 --quarter 不能与 --since/--until 同时使用；请只给出一种"
    ),
    "--month {value}: not a month; use YYYY-MM, like 2024-03": (
        "--month {value}：不是月份；请用 YYYY-MM，如 2024-03"
    ),
    "--month {value}: no such month; months run from 01 to 12": (
        "--month {value}：没有这个月份；月份为 01 至 12"
    ),
    "--quarter {value}: not a quarter; use YYYY-Qn, like 2024-Q1": (
        "--quarter {value}：不是季度；请用 YYYY-Qn，如 2024-Q1"
    ),
    "--quarter {value}: no such quarter; quarters run from Q1 to Q4": (
        "--quarter {value}：没有这个季度；一年只有第 1 至第 4 季度"
    ),
    "--format pdf: give --output FILE.pdf (a PDF is not for the terminal)": (
        "--format pdf：请用 --output 文件.pdf 指定输出文件（PDF 不能显示在终端中）"
    ),
    "Where the plan stands": "计划进展概况",
    "The plan's burn-up": "计划完成趋势",
    (
        "Tasks done and average progress at the end of each day shown, against the share of "
        "the plan's time elapsed."
    ): ("图中各日末的任务完成率和平均进度，对照计划的序时进度。"),
    "Each index's progress over the period": "各指数本期进度变化",
    "Average progress (solid) against the time elapsed (dashed).": (
        "平均进度（实线）对照序时进度（虚线）。"
    ),
    "Status of the tasks of each index": "各指数任务状态",
    "Traffic lights per unit (lead or cooperating)": "各单位红黄绿灯（牵头或配合）",
    "No task names a unit.": "没有任务写明单位。",
    "What happened in the period": "本期工作明细",
    "Tasks done": "任务完成率",
    "Average progress": "平均进度",
    "Time elapsed": "序时进度",
    (
        "--format pdf needs Chromium, Chrome or Edge, and none was found: install one "
        "(or name it in LIANTA_BROWSER), or write --format html and print it from a "
        "browser"
    ): (
        "--format pdf 需要 Chromium、Chrome 或 Edge，但一个也没有找到：请安装其中之一"
        "（或用 LIANTA_BROWSER 指明），或用 --format html 生成网页后在浏览器中打印"
    ),
    "LIANTA_BROWSER is {name}, which is not a program found on PATH": (
        "LIANTA_BROWSER 为 {name}，但在 PATH 中找不到这个程序"
    ),
    "The browser that prints --format pdf. Default: Chromium, Chrome or Edge, wherever found.": (
        "用于 --format pdf 打印的浏览器。默认：找到的 Chromium、Chrome 或 Edge。"
    ),
    "lianta · as of {date}": "lianta · 截至 {date}",
    "{browser} could not print the report: {reason}": "{browser} 无法打印报告：{reason}",
    " (for 1 day)": "（已 1 天）",
    " (for {count} days)": "（已 {count} 天）",
    "; ": "；",
    "No task was finished in this period.": "本期没有完成的任务。",
    "Monthly report {month}": "月度报告 {month}",
    "Quarterly report {quarter}": "季度报告 {quarter}",
    "{items} and {count} more": "{items}等，另有 {count} 项",
    " (since {date})": "（自 {date} 起）",
    "No task is behind schedule.": "没有任务进度滞后。",
    "Newly blocked: {list}.": "新增受阻：{list}。",
    "No task is blocked.": "没有受阻的任务。",
    "1 task is overdue.": "1 项任务已逾期。",
    "{count} tasks are overdue.": "{count} 项任务已逾期。",
    "{id} (was {name})": "{id}（原为 {name}）",
    (
        "By {date}, 1 of {tasks} tasks is done ({percent}%) and average progress is "
        "{progress}%, against {elapsed}% of the plan's time elapsed."
    ): (
        "截至 {date}，{tasks} 项任务已完成 1 项（{percent}%），平均进度 {progress}%，序时进度 "
        "{elapsed}%。"
    ),
    (
        "By {date}, {count} of {tasks} tasks are done ({percent}%) and average progress is "
        "{progress}%, against {elapsed}% of the plan's time elapsed."
    ): (
        "截至 {date}，{tasks} 项任务已完成 {count} 项（{percent}%），平均进度 "
        "{progress}%，序时进度 {elapsed}%。"
    ),
    "{number} {name} (1 red)": "{number} {name}（1 项红灯）",
    "{number} {name} ({count} red)": "{number} {name}（{count} 项红灯）",
    "Behind schedule by the lights: {list}.": "按红黄绿灯，进度滞后的指数：{list}。",
    "No index has a task in red; 1 task is yellow.": "没有指数有红灯任务；1 项任务为黄灯。",
    "No index has a task in red; {count} tasks are yellow.": (
        "没有指数有红灯任务；{count} 项任务为黄灯。"
    ),
    "1 task blocked before the period is still blocked.": "另有 1 项本期之前受阻的任务仍未解决。",
    "{count} tasks blocked before the period are still blocked.": (
        "另有 {count} 项本期之前受阻的任务仍未解决。"
    ),
    "Nothing was newly blocked; 1 task blocked before the period still is.": (
        "本期没有新增受阻任务；本期之前受阻的 1 项任务仍未解决。"
    ),
    "Nothing was newly blocked; {count} tasks blocked before the period still are.": (
        "本期没有新增受阻任务；本期之前受阻的 {count} 项任务仍未解决。"
    ),
    "Finished in this period (1): {list}.": "本期完成 1 项：{list}。",
    "Finished in this period ({count}): {list}.": "本期完成 {count} 项：{list}。",
    "March's report as one page with charts, to open in a browser or print:": (
        "3 月的报告，带图表的单页网页，可在浏览器中打开或打印："
    ),
    "The first quarter's report, for a script:": "第一季度的报告，供脚本使用：",
    "--plan all: the {format} report shows one plan; choose one, or {other}": (
        "--plan all：{format} 报告只能展示一个计划；请选定一个计划，或改用 {other}"
    ),
    "Create the schema in a new database:": "在新数据库中建立数据结构：",
    "Bring an older database up to date:": "把旧版本的数据库升级到当前版本：",
    "Let a unit's login change its own tasks:": "让责任单位的账号修改本单位的任务：",
    "A login that only reads:": "只读的账号：",
    "Copy a store file into a new database:": "把数据文件复制到新数据库：",
    "Keep a copy of the database in a file:": "把数据库备份到一个文件：",
}
