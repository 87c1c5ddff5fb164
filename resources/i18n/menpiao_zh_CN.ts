<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>AnomaliesView</name>
        <message>
            <source>{n} new (F5)</source>
            <translation>新增 {n} 条（F5）</translation>
        </message>
        <message>
            <source>↑/↓ choose · Enter runs the recommended fix · Shift/Ctrl select several to mark resolved or dismiss · Ctrl+PgUp/PgDn category · Ctrl+N note, Enter there runs the fix · F5 shows new ones</source>
            <translation>↑/↓ 选择 · Enter 执行推荐处理 · Shift/Ctrl 多选后可批量标记已处理或忽略 · Ctrl+PgUp/PgDn 切换类别 · Ctrl+N 备注，在备注中按 Enter 执行处理 · F5 显示新增</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Already handled</source>
            <translation>已处理</translation>
        </message>
        <message>
            <source>Already handled: {message}</source>
            <translation>已处理：{message}</translation>
        </message>
        <message>
            <source>Confirm: money moves</source>
            <translation>确认：将发生资金退回</translation>
        </message>
        <message>
            <source>Dismiss selected</source>
            <translation>忽略所选</translation>
        </message>
        <message>
            <source>Done: {fix}</source>
            <translation>已完成：{fix}</translation>
        </message>
        <message>
            <source>Mark selected resolved</source>
            <translation>所选标记已处理</translation>
        </message>
        <message>
            <source>No open anomalies here.</source>
            <translation>这里没有待处理的异常。</translation>
        </message>
        <message>
            <source>Not done: {fix}</source>
            <translation>未执行：{fix}</translation>
        </message>
        <message>
            <source>Write a note first: it is kept with every anomaly.</source>
            <translation>请先填写备注：备注会记录在每条异常上。</translation>
        </message>
        <message>
            <source>{fix} for {kind} of order {no}: {amount}. Money goes back to the visitor and this cannot be undone. Go ahead?</source>
            <translation>订单 {no} 的{kind}：{fix}，金额 {amount}。款项将退回游客，无法撤销。确定执行吗？</translation>
        </message>
        <message>
            <source>{n} anomalies</source>
            <translation>共 {n} 条异常</translation>
        </message>
        <message>
            <source>{n} anomalies dismissed</source>
            <translation>已忽略 {n} 条异常</translation>
        </message>
        <message>
            <source>{n} anomalies marked resolved</source>
            <translation>已将 {n} 条异常标记为已处理</translation>
        </message>
        <message>
            <source>“{fix}” needs a note: write what was checked.</source>
            <translation>“{fix}”需要填写备注：请写明核查情况。</translation>
        </message>
        <message>
            <source>↑/↓ choose · Enter runs the recommended fix · Shift/Ctrl select several to mark resolved or dismiss · Ctrl+PgUp/PgDn category · Ctrl+N note</source>
            <translation>↑/↓ 选择 · Enter 执行推荐处理 · Shift/Ctrl 多选后可批量标记已处理或忽略 · Ctrl+PgUp/PgDn 切换类别 · Ctrl+N 备注</translation>
        </message>
        <message>
            <source>; {n} not: {why}</source>
            <translation>；{n} 条未处理：{why}</translation>
        </message>
    </context>
    <context>
        <name>AnomalyCounter</name>
        <message>
            <source>Anomalies: {n}</source>
            <translation>异常：{n}</translation>
        </message>
        <message>
            <source>Open anomalies — click to work the queue</source>
            <translation>待处理的异常——点击进入异常订单</translation>
        </message>
    </context>
    <context>
        <name>AnomalyDetailPane</name>
        <message>
            <source>the system</source>
            <translation>系统</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>可售</translation>
        </message>
        <message>
            <source>Capacity</source>
            <translation>容量</translation>
        </message>
        <message>
            <source>Devices</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Handled</source>
            <translation>处理情况</translation>
        </message>
        <message>
            <source>Held</source>
            <translation>预留</translation>
        </message>
        <message>
            <source>Needs a note</source>
            <translation>需要填写备注</translation>
        </message>
        <message>
            <source>No anomaly selected</source>
            <translation>未选择异常</translation>
        </message>
        <message>
            <source>No order: the payment names none.</source>
            <translation>无订单：这笔支付没有对应的订单。</translation>
        </message>
        <message>
            <source>Note (required to mark resolved, dismiss or refund in cash)</source>
            <translation>备注（标记已处理、忽略或改为现金退款时必填）</translation>
        </message>
        <message>
            <source>Order detail</source>
            <translation>订单详情</translation>
        </message>
        <message>
            <source>Order timeline</source>
            <translation>订单时间线</translation>
        </message>
        <message>
            <source>Order {no} · {total} · {status}</source>
            <translation>订单 {no} · {total} · {status}</translation>
        </message>
        <message>
            <source>Order: {no}</source>
            <translation>订单：{no}</translation>
        </message>
        <message>
            <source>Oversold</source>
            <translation>超售</translation>
        </message>
        <message>
            <source>Sold</source>
            <translation>已售</translation>
        </message>
        <message>
            <source>Stock involved</source>
            <translation>涉及库存</translation>
        </message>
        <message>
            <source>Ticket type</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>{id} (not known to the store, or offline)</source>
            <translation>{id}（中心库无此设备信息，或当前离线）</translation>
        </message>
        <message>
            <source>{id} · {location} · {status} · last heartbeat {at}</source>
            <translation>{id} · {location} · {status} · 最后心跳 {at}</translation>
        </message>
    </context>
    <context>
        <name>AnomalyLabels</name>
        <message>
            <source>Flagged by</source>
            <translation>标记人</translation>
        </message>
        <message>
            <source>Stock deducted</source>
            <translation>已补扣库存</translation>
        </message>
        <message>
            <source>Stock restored</source>
            <translation>已恢复库存</translation>
        </message>
        <message>
            <source>Payment moved to another order</source>
            <translation>支付转入其他订单</translation>
        </message>
        <message>
            <source>Payment queried</source>
            <translation>查询支付结果</translation>
        </message>
        <message>
            <source>Payment refunded</source>
            <translation>支付已退回</translation>
        </message>
        <message>
            <source>Payment started</source>
            <translation>发起支付</translation>
        </message>
        <message>
            <source>Refund approved for payout</source>
            <translation>退款已批准待付现</translation>
        </message>
        <message>
            <source>Refund method changed</source>
            <translation>退款方式已变更</translation>
        </message>
        <message>
            <source>Refund rejected</source>
            <translation>退款已驳回</translation>
        </message>
        <message>
            <source>Refund paid out</source>
            <translation>退款已付现</translation>
        </message>
        <message>
            <source>Order paid</source>
            <translation>订单已支付</translation>
        </message>
        <message>
            <source>Order expired</source>
            <translation>订单超时取消</translation>
        </message>
        <message>
            <source>Payment query</source>
            <translation>支付查询</translation>
        </message>
        <message>
            <source>Provider's answer</source>
            <translation>渠道答复</translation>
        </message>
        <message>
            <source>Asked at</source>
            <translation>查询时间</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>已支付</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>票</translation>
        </message>
        <message>
            <source>Duplicate</source>
            <translation>重复</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Payment fee</source>
            <translation>支付手续费</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Fee rate</source>
            <translation>手续费率</translation>
        </message>
        <message>
            <source>Quote per ticket</source>
            <translation>逐张报价</translation>
        </message>
        <message>
            <source>Rule</source>
            <translation>规则</translation>
        </message>
        <message>
            <source>Attempt</source>
            <translation>第几次</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>错误</translation>
        </message>
        <message>
            <source>Next attempt at</source>
            <translation>下次重试时间</translation>
        </message>
        <message>
            <source>Failed at</source>
            <translation>失败时间</translation>
        </message>
        <message>
            <source>Units missing</source>
            <translation>少计张数</translation>
        </message>
        <message>
            <source>Units too many</source>
            <translation>多计张数</translation>
        </message>
        <message>
            <source>Valid tickets</source>
            <translation>有效票数</translation>
        </message>
        <message>
            <source>Counted sold</source>
            <translation>库存已售</translation>
        </message>
        <message>
            <source>Units</source>
            <translation>张数</translation>
        </message>
        <message>
            <source>Settled at</source>
            <translation>完成时间</translation>
        </message>
        <message>
            <source>Payment started at</source>
            <translation>发起支付时间</translation>
        </message>
        <message>
            <source>Requested by</source>
            <translation>申请人</translation>
        </message>
        <message>
            <source>Requested at</source>
            <translation>申请时间</translation>
        </message>
        <message>
            <source>Resolution</source>
            <translation>处理结果</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>By</source>
            <translation>操作人</translation>
        </message>
        <message>
            <source>Refunds</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Payment</source>
            <translation>支付</translation>
        </message>
        <message>
            <source>Stock released</source>
            <translation>释放库存</translation>
        </message>
        <message>
            <source>Confirmed by a query</source>
            <translation>经查询确认</translation>
        </message>
        <message>
            <source>Amount recorded before</source>
            <translation>原记录金额</translation>
        </message>
        <message>
            <source>Approvals</source>
            <translation>审批</translation>
        </message>
        <message>
            <source>Fee override</source>
            <translation>手续费调整</translation>
        </message>
        <message>
            <source>Evidence no.</source>
            <translation>凭证号</translation>
        </message>
        <message>
            <source>Payout window</source>
            <translation>付现窗口</translation>
        </message>
        <message>
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>单价</translation>
        </message>
        <message>
            <source>As</source>
            <translation>身份</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Customer</source>
            <translation>游客</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>手机</translation>
        </message>
        <message>
            <source>ID no.</source>
            <translation>证件号</translation>
        </message>
        <message>
            <source>Tendered</source>
            <translation>实收</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>Uses</source>
            <translation>次数</translation>
        </message>
        <message>
            <source>Sale voided</source>
            <translation>撤销上一单</translation>
        </message>
        <message>
            <source>Void of the last sale</source>
            <translation>撤销上一单</translation>
        </message>
        <message>
            <source>Void rule broken</source>
            <translation>不符合的撤销规则</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Amount due</source>
            <translation>应付金额</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>售票员</translation>
        </message>
        <message>
            <source>Sold at</source>
            <translation>售出时间</translation>
        </message>
        <message>
            <source>Amount paid</source>
            <translation>实收金额</translation>
        </message>
        <message>
            <source>Amount refunded</source>
            <translation>实退金额</translation>
        </message>
        <message>
            <source>Store's quote</source>
            <translation>中心库应退金额</translation>
        </message>
        <message>
            <source>Difference</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Anomaly detected</source>
            <translation>发现异常</translation>
        </message>
        <message>
            <source>Anomaly dismissed</source>
            <translation>异常已忽略</translation>
        </message>
        <message>
            <source>Anomaly fixed</source>
            <translation>异常已修复</translation>
        </message>
        <message>
            <source>Anomaly resolved</source>
            <translation>异常已标记处理</translation>
        </message>
        <message>
            <source>Attempts</source>
            <translation>尝试次数</translation>
        </message>
        <message>
            <source>Backfill the order</source>
            <translation>补录订单</translation>
        </message>
        <message>
            <source>Cancel and release stock</source>
            <translation>取消订单并释放库存</translation>
        </message>
        <message>
            <source>Cancelled order</source>
            <translation>已取消的订单</translation>
        </message>
        <message>
            <source>Customer data viewed in full</source>
            <translation>查看了完整客户信息</translation>
        </message>
        <message>
            <source>Deduct the stock</source>
            <translation>补扣库存</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Dismiss</source>
            <translation>忽略</translation>
        </message>
        <message>
            <source>Dismissed</source>
            <translation>已忽略</translation>
        </message>
        <message>
            <source>Earlier payments</source>
            <translation>此前的支付</translation>
        </message>
        <message>
            <source>Fault</source>
            <translation>故障</translation>
        </message>
        <message>
            <source>First redeemed at</source>
            <translation>首次核销时间</translation>
        </message>
        <message>
            <source>First redeemed by</source>
            <translation>首次核销设备</translation>
        </message>
        <message>
            <source>Gate reason</source>
            <translation>闸机说明</translation>
        </message>
        <message>
            <source>Gate result</source>
            <translation>闸机结果</translation>
        </message>
        <message>
            <source>Last error</source>
            <translation>最近错误</translation>
        </message>
        <message>
            <source>Lock the order</source>
            <translation>锁定订单</translation>
        </message>
        <message>
            <source>Mark resolved</source>
            <translation>标记已处理</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>在线</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>待处理</translation>
        </message>
        <message>
            <source>Order cancelled</source>
            <translation>订单已取消</translation>
        </message>
        <message>
            <source>Order created</source>
            <translation>创建订单</translation>
        </message>
        <message>
            <source>Order locked</source>
            <translation>订单已锁定</translation>
        </message>
        <message>
            <source>Order no.</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Oversold</source>
            <translation>超售张数</translation>
        </message>
        <message>
            <source>Paid at</source>
            <translation>支付时间</translation>
        </message>
        <message>
            <source>Payment failed</source>
            <translation>支付失败</translation>
        </message>
        <message>
            <source>Payment no.</source>
            <translation>支付单号</translation>
        </message>
        <message>
            <source>Payment succeeded</source>
            <translation>支付成功</translation>
        </message>
        <message>
            <source>Process the refund</source>
            <translation>处理退款</translation>
        </message>
        <message>
            <source>Provider</source>
            <translation>支付渠道</translation>
        </message>
        <message>
            <source>Query the payment</source>
            <translation>查询支付结果</translation>
        </message>
        <message>
            <source>Receipt reprinted</source>
            <translation>补打小票</translation>
        </message>
        <message>
            <source>Redeem manually</source>
            <translation>人工核销</translation>
        </message>
        <message>
            <source>Redeemed at</source>
            <translation>核销时间</translation>
        </message>
        <message>
            <source>Redemption failed</source>
            <translation>核销失败</translation>
        </message>
        <message>
            <source>Redemption refused</source>
            <translation>核销被拒</translation>
        </message>
        <message>
            <source>Refund approved</source>
            <translation>退票已审批</translation>
        </message>
        <message>
            <source>Refund attempt failed</source>
            <translation>退款尝试失败</translation>
        </message>
        <message>
            <source>Refund awaiting approval</source>
            <translation>退票待审批</translation>
        </message>
        <message>
            <source>Refund failed</source>
            <translation>退款失败</translation>
        </message>
        <message>
            <source>Refund in cash instead</source>
            <translation>改为现金退款</translation>
        </message>
        <message>
            <source>Refund no.</source>
            <translation>退款单号</translation>
        </message>
        <message>
            <source>Refund processing</source>
            <translation>退款处理中</translation>
        </message>
        <message>
            <source>Refund requested</source>
            <translation>申请退票</translation>
        </message>
        <message>
            <source>Refund submitted</source>
            <translation>退款已提交平台</translation>
        </message>
        <message>
            <source>Refund succeeded</source>
            <translation>退款成功</translation>
        </message>
        <message>
            <source>Refund the duplicate payment</source>
            <translation>退还重复支付</translation>
        </message>
        <message>
            <source>Refund the payment</source>
            <translation>原路退款</translation>
        </message>
        <message>
            <source>Refunded at</source>
            <translation>退票时间</translation>
        </message>
        <message>
            <source>Resolved</source>
            <translation>已处理</translation>
        </message>
        <message>
            <source>Restore the stock</source>
            <translation>回补库存</translation>
        </message>
        <message>
            <source>Retry the refund</source>
            <translation>重试退款</translation>
        </message>
        <message>
            <source>Scanned at</source>
            <translation>扫码时间</translation>
        </message>
        <message>
            <source>Ticket code</source>
            <translation>票码</translation>
        </message>
        <message>
            <source>Ticket redeemed</source>
            <translation>核销通过</translation>
        </message>
        <message>
            <source>Ticket refunded</source>
            <translation>门票已退</translation>
        </message>
        <message>
            <source>Ticket reprinted</source>
            <translation>补打门票</translation>
        </message>
        <message>
            <source>Ticket type</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Transaction no.</source>
            <translation>交易号</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Window</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>刚刚</translation>
        </message>
        <message>
            <source>{n} days</source>
            <translation>{n} 天</translation>
        </message>
        <message>
            <source>{n} h</source>
            <translation>{n} 小时</translation>
        </message>
        <message>
            <source>{n} min</source>
            <translation>{n} 分钟</translation>
        </message>
        <message>
            <source>Device location</source>
            <translation>设备位置</translation>
        </message>
        <message>
            <source>Maintenance</source>
            <translation>维护中</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Channel</source>
            <translation>渠道</translation>
        </message>
        <message>
            <source>Channel order no.</source>
            <translation>渠道订单号</translation>
        </message>
        <message>
            <source>Fields</source>
            <translation>字段</translation>
        </message>
        <message>
            <source>Fix</source>
            <translation>处理方式</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Lines</source>
            <translation>购买明细</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Ticket</source>
            <translation>票名</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>总额</translation>
        </message>
        <message>
            <source>Uses left</source>
            <translation>剩余次数</translation>
        </message>
    </context>
    <context>
        <name>AnomalyQueueModel</name>
        <message>
            <source>Handled</source>
            <translation>已处理</translation>
        </message>
        <message>
            <source>Age</source>
            <translation>已过</translation>
        </message>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Anomaly</source>
            <translation>异常</translation>
        </message>
        <message>
            <source>Device / source</source>
            <translation>设备/来源</translation>
        </message>
        <message>
            <source>High</source>
            <translation>高</translation>
        </message>
        <message>
            <source>Low</source>
            <translation>低</translation>
        </message>
        <message>
            <source>Medium</source>
            <translation>中</translation>
        </message>
        <message>
            <source>Order no.</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Priority</source>
            <translation>优先级</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信支付</translation>
        </message>
    </context>
    <context>
        <name>CartModel</name>
        <message>
            <source>Ticket</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>单价</translation>
        </message>
        <message>
            <source>Qty</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>小计</translation>
        </message>
        <message>
            <source>Only {n} left</source>
            <translation>仅剩 {n} 张</translation>
        </message>
    </context>
    <context>
        <name>ClientApp</name>
        <message>
            <source>The local database could not be opened: {why}</source>
            <translation>无法打开本地数据库：{why}</translation>
        </message>
        <message>
            <source>The central store could not be started: {why}. Sales are kept in this window and uploaded later.</source>
            <translation>内置中心库未能启动：{why}。销售记录保存在本窗口，稍后上传。</translation>
        </message>
    </context>
    <context>
        <name>Errors</name>
        <message>
            <source>The device did not answer in time. Check the cable or network and try again.</source>
            <translation>设备没有及时响应。请检查连线或网络后重试。</translation>
        </message>
        <message>
            <source>Something went wrong. It has been logged; please try again or call your supervisor.</source>
            <translation>操作没有完成，已记录日志。请重试；如仍有问题请联系值班主管。</translation>
        </message>
        <message>
            <source>Menpiao</source>
            <translation>门票</translation>
        </message>
        <message>
            <source>The central store did not answer: {why}</source>
            <translation>中心服务器没有响应：{why}</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>This account has not signed in at this window while the central store could be reached, so it cannot be checked offline. Sign in once the network is back.</source>
            <translation>此账号尚未在本窗口联网登录过，无法离线核对密码。请在网络恢复后登录。</translation>
        </message>
        <message>
            <source>The central store does not accept this window as a device (not registered, deactivated, or a wrong device secret). Check 「This window's device…」 with an administrator.</source>
            <translation>中心服务器不接受本窗口设备（未登记、已停用或设备密钥错误）。请与管理员一起检查「本窗口设备…」。</translation>
        </message>
        <message>
            <source>This window's device…</source>
            <translation>本窗口设备…</translation>
        </message>
        <message>
            <source>Menpiao — Sign in</source>
            <translation>门票 — 登录</translation>
        </message>
        <message>
            <source>Menpiao Box Office</source>
            <translation>门票售票系统</translation>
        </message>
        <message>
            <source>e.g. clerk1</source>
            <translation>例如 clerk1</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Window {terminal}</source>
            <translation>{terminal} 号窗口</translation>
        </message>
        <message>
            <source>Please enter your user name.</source>
            <translation>请输入用户名。</translation>
        </message>
        <message>
            <source>Signing in…</source>
            <translation>正在登录…</translation>
        </message>
        <message>
            <source>Gate accounts cannot sign in at a ticket window.</source>
            <translation>闸机账户不能登录售票窗口。</translation>
        </message>
        <message>
            <source>Wrong user name or password.</source>
            <translation>用户名或密码错误</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Scan ignored: close the dialog first.</source>
            <translation>扫码未处理：请先关闭当前对话框。</translation>
        </message>
        <message>
            <source>{n} refunds approved: pay them out on the Refund screen</source>
            <translation>{n} 笔退款已批准，请到退票页付现</translation>
        </message>
        <message>
            <source>Menpiao Box Office — {venue}</source>
            <translation>门票售票系统 — {venue}</translation>
        </message>
        <message>
            <source>Menpiao</source>
            <translation>门票</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>退出登录</translation>
        </message>
        <message>
            <source>Local mode</source>
            <translation>本地模式</translation>
        </message>
        <message>
            <source>No central store is connected yet; sales are kept in this window's database.</source>
            <translation>尚未连接中心库，销售记录保存在本窗口的数据库中。</translation>
        </message>
        <message>
            <source>{role}: {name}</source>
            <translation>{role}：{name}</translation>
        </message>
        <message>
            <source>Window {terminal}</source>
            <translation>{terminal} 号窗口</translation>
        </message>
        <message>
            <source>Not started</source>
            <translation>未启动</translation>
        </message>
        <message>
            <source>None set (nothing prints)</source>
            <translation>未设置（不出票）</translation>
        </message>
        <message>
            <source>Printer: {state}</source>
            <translation>打印机：{state}</translation>
        </message>
        <message>
            <source>{n} new anomalies — click the counter to see them</source>
            <translation>新增 {n} 条异常——点击状态栏的异常计数查看</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Day close</source>
            <translation>日结对账</translation>
        </message>
        <message>
            <source>Admin</source>
            <translation>管理</translation>
        </message>
        <message>
            <source>Sell</source>
            <translation>售票</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退票</translation>
        </message>
        <message>
            <source>Orders</source>
            <translation>订单查询</translation>
        </message>
        <message>
            <source>Shift</source>
            <translation>交接班</translation>
        </message>
        <message>
            <source>Anomalies</source>
            <translation>异常订单</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>数据看板</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Refund tickets by the rules, print the refund slip and open the drawer.</source>
            <translation>按退票规则办理退票，打印退票凭条并打开钱箱。</translation>
        </message>
        <message>
            <source>Search orders by number, ticket code (scan it) or phone tail, and read each order's timeline.</source>
            <translation>按订单号、票码（可扫码）或手机尾号查询订单，查看订单日志。</translation>
        </message>
        <message>
            <source>Open and close your cash shift and print the Z report.</source>
            <translation>开班、交班，打印交班报表。</translation>
        </message>
        <message>
            <source>Work the anomaly queue with one-click fixes.</source>
            <translation>处理异常订单队列，一键修复。</translation>
        </message>
        <message>
            <source>Sales, visitors and channels of the day at a glance.</source>
            <translation>当日销售、入园人数和各渠道一览。</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>售票员</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>值班主管</translation>
        </message>
        <message>
            <source>Finance</source>
            <translation>财务</translation>
        </message>
        <message>
            <source>Administrator</source>
            <translation>管理员</translation>
        </message>
        <message>
            <source>Approvals</source>
            <translation>退款审批</translation>
        </message>
    </context>
    <context>
        <name>PaymentPanel</name>
        <message>
            <source>Last sale: {total} due, {tendered} tendered</source>
            <translation>上一单：应收 {total}，实收 {tendered}</translation>
        </message>
        <message>
            <source>empty = exact amount</source>
            <translation>留空 = 正好</translation>
        </message>
        <message>
            <source>Take cash (Enter)</source>
            <translation>确认收款 (Enter)</translation>
        </message>
        <message>
            <source>Exact</source>
            <translation>正好</translation>
        </message>
        <message>
            <source>&amp;Tendered</source>
            <translation>实收(&amp;T)</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>应收</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>short by {amount}</source>
            <translation>还差 {amount}</translation>
        </message>
    </context>
    <context>
        <name>PlaceholderView</name>
        <message>
            <source>Coming in a later release.</source>
            <translation>此功能将在后续版本提供。</translation>
        </message>
    </context>
    <context>
        <name>PrintJobsModel</name>
        <message>
            <source>Day report</source>
            <translation>日结报表</translation>
        </message>
        <message>
            <source>Void slip</source>
            <translation>撤销凭证</translation>
        </message>
        <message>
            <source>Ticket</source>
            <translation>门票</translation>
        </message>
        <message>
            <source>Receipt</source>
            <translation>小票</translation>
        </message>
        <message>
            <source>Refund slip</source>
            <translation>退票凭条</translation>
        </message>
        <message>
            <source>Shift report</source>
            <translation>交班报表</translation>
        </message>
        <message>
            <source>Cash drawer</source>
            <translation>钱箱</translation>
        </message>
        <message>
            <source>Test page</source>
            <translation>测试页</translation>
        </message>
        <message>
            <source>Waiting</source>
            <translation>等待打印</translation>
        </message>
        <message>
            <source>Printing</source>
            <translation>正在打印</translation>
        </message>
        <message>
            <source>Printed</source>
            <translation>已打印</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Document</source>
            <translation>单据</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
    </context>
    <context>
        <name>PrintJobsPanel</name>
        <message>
            <source>Print the tickets and receipt of this window's last sale, {order_no}, again, marked as a reprint</source>
            <translation>重新打印本窗口上一单 {order_no} 的门票和小票（标注“重打”）</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>重试</translation>
        </message>
        <message>
            <source>Print the selected failed job again</source>
            <translation>重新打印所选的失败任务</translation>
        </message>
        <message>
            <source>Reprint last order</source>
            <translation>重打上一单</translation>
        </message>
        <message>
            <source>Print the tickets and receipt of the last order again, marked as a reprint</source>
            <translation>重新打印上一单的门票和小票（标注“重打”）</translation>
        </message>
        <message>
            <source>Print jobs</source>
            <translation>打印任务</translation>
        </message>
        <message>
            <source>{n} waiting</source>
            <translation>{n} 个等待</translation>
        </message>
        <message>
            <source>{n} failed</source>
            <translation>{n} 个失败</translation>
        </message>
        <message>
            <source>No failed job to retry.</source>
            <translation>没有需要重试的失败任务。</translation>
        </message>
        <message>
            <source>Job queued again.</source>
            <translation>已重新加入打印队列。</translation>
        </message>
        <message>
            <source>No order to reprint yet.</source>
            <translation>还没有可重打的订单。</translation>
        </message>
        <message>
            <source>Reprint {n} of {order_no} queued.</source>
            <translation>订单 {order_no} 第 {n} 次重打已加入打印队列。</translation>
        </message>
    </context>
    <context>
        <name>PrinterBridge</name>
        <message>
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>脱机</translation>
        </message>
        <message>
            <source>Out of paper</source>
            <translation>缺纸</translation>
        </message>
        <message>
            <source>Cover open</source>
            <translation>纸仓盖打开</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>故障</translation>
        </message>
        <message>
            <source>Unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>Printing</source>
            <translation>正在打印</translation>
        </message>
    </context>
    <context>
        <name>SellView</name>
        <message>
            <source>a number, then a tile key (F1…F9); after a ticket key, numbers are the cash tendered</source>
            <translation>先输张数再按 F1…F9；按过票种键后输入的数字是实收金额</translation>
        </message>
        <message>
            <source>number then F1…F9: that many tickets · then type the cash tendered · Enter take the money · +/− change the line · Del remove line · Esc empty the box · Ctrl+Del clear · F10 print jobs</source>
            <translation>数字+F1…F9 选票和张数 · 再输实收金额 · Enter 收款 · +/− 改数量 · Del 删行 · Esc 清空输入 · Ctrl+Del 清空购物车 · F10 打印任务</translation>
        </message>
        <message>
            <source>Offline, this window holds no quota of {name} for {day}: it can be sold again once the store is reached.</source>
            <translation>离线时本窗口没有{name} {day} 的配额，连上中心库后才能再售。</translation>
        </message>
        <message>
            <source>At most {n} {name} in one sale: the line is {n}.</source>
            <translation>{name}一次最多售 {n} 张，本行按 {n} 张计。</translation>
        </message>
        <message>
            <source>Not sold: the cart is as it was.</source>
            <translation>未售出，购物车保持不变。</translation>
        </message>
        <message>
            <source>Visit &amp;date</source>
            <translation>游玩日期(&amp;D)</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>今天</translation>
        </message>
        <message>
            <source>&amp;Quantity</source>
            <translation>数量(&amp;Q)</translation>
        </message>
        <message>
            <source>then a tile key (F1…F9), or Enter for the selected line</source>
            <translation>再按票种键 F1…F9；或按 Enter 改所选行的数量</translation>
        </message>
        <message>
            <source>F1…F9 add a ticket · quantity then F-key · +/− change the line · Tab tendered · Enter take the money · Del remove line · Ctrl+Del clear · F10 print jobs</source>
            <translation>F1…F9 加一张票 · 先输数量再按 F 键 · +/− 增减所选行 · Tab 到实收 · Enter 收款 · Del 删除行 · Ctrl+Del 清空 · F10 打印任务</translation>
        </message>
        <message>
            <source>{name} is sold out for {day}.</source>
            <translation>{name} {day} 已售罄。</translation>
        </message>
        <message>
            <source>Pick a ticket type first (F1…F9).</source>
            <translation>请先选择票种（F1…F9）。</translation>
        </message>
        <message>
            <source>The cart is empty: add tickets with F1…F9 first.</source>
            <translation>购物车是空的：请先用 F1…F9 选票。</translation>
        </message>
        <message>
            <source>Sold {order_no}, change {change}</source>
            <translation>已售出 {order_no}，找零 {change}</translation>
        </message>
        <message>
            <source>Offline: selling from this window's reserved tickets</source>
            <translation>离线售票：仅售本窗口预留票</translation>
        </message>
        <message>
            <source>No shift is open at this window: open one in Shift (交接班) before taking cash.</source>
            <translation>本窗口尚未开班：收现金前请先在“交接班”开班。</translation>
        </message>
    </context>
    <context>
        <name>SettingsView</name>
        <message>
            <source>empty = preview pictures in {folder}</source>
            <translation>留空 = 在 {folder} 生成预览图片</translation>
        </message>
        <message>
            <source>Examples: {examples}</source>
            <translation>示例：{examples}</translation>
        </message>
        <message>
            <source>80 mm</source>
            <translation>80 毫米</translation>
        </message>
        <message>
            <source>58 mm</source>
            <translation>58 毫米</translation>
        </message>
        <message>
            <source>The printer draws QR codes itself (GS ( k)</source>
            <translation>由打印机自行绘制二维码（GS ( k）</translation>
        </message>
        <message>
            <source>Print Chinese as pictures (printer has no Chinese font)</source>
            <translation>中文以图片打印（打印机没有中文字库时）</translation>
        </message>
        <message>
            <source>Printer</source>
            <translation>打印机</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Paper</source>
            <translation>纸宽</translation>
        </message>
        <message>
            <source>Chinese encoding</source>
            <translation>中文编码</translation>
        </message>
        <message>
            <source>This window</source>
            <translation>本窗口</translation>
        </message>
        <message>
            <source>Terminal id</source>
            <translation>终端编号</translation>
        </message>
        <message>
            <source>Scenic area name</source>
            <translation>景区名称</translation>
        </message>
        <message>
            <source>Print test page</source>
            <translation>打印测试页</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>保存 (Ctrl+S)</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>This session prints to {uri} (--printer on the command line).</source>
            <translation>本次运行使用命令行 --printer 指定的打印机：{uri}。</translation>
        </message>
        <message>
            <source>This session is window {terminal} (--terminal on the command line).</source>
            <translation>本次运行使用命令行 --terminal 指定的窗口：{terminal}。</translation>
        </message>
        <message>
            <source>The terminal id is 1 to 8 letters or digits, e.g. 01.</source>
            <translation>终端编号为 1–8 位字母或数字，例如 01。</translation>
        </message>
        <message>
            <source>Please enter the scenic area's name.</source>
            <translation>请输入景区名称。</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>设置已保存。</translation>
        </message>
        <message>
            <source>Printing a test page on {uri}…</source>
            <translation>正在 {uri} 上打印测试页…</translation>
        </message>
        <message>
            <source>The test page did not print: {why}</source>
            <translation>测试页没有打印出来：{why}</translation>
        </message>
        <message>
            <source>Test page printed on {uri}.</source>
            <translation>测试页已在 {uri} 上打印。</translation>
        </message>
        <message>
            <source>The test page did not print on {uri}. Check that the printer is on, has paper and is connected.</source>
            <translation>测试页没有在 {uri} 上打印出来。请检查打印机是否开机、有纸、已连接。</translation>
        </message>
    </context>
    <context>
        <name>StoreReads</name>
        <message>
            <source>No events recorded in this window.</source>
            <translation>本窗口没有这笔订单的记录。</translation>
        </message>
        <message>
            <source>Offline: fixing anomalies needs the central store</source>
            <translation>离线：处理异常需要连接中心服务器</translation>
        </message>
        <message>
            <source>Offline: the full timeline is kept by the central store; showing this window's records.</source>
            <translation>离线：完整时间线保存在中心服务器，这里显示本窗口的记录。</translation>
        </message>
        <message>
            <source>The central store could not give the timeline ({why}); showing this window's records.</source>
            <translation>无法从中心服务器读取时间线（{why}），这里显示本窗口的记录。</translation>
        </message>
    </context>
    <context>
        <name>TicketTile</name>
        <message>
            <source>No offline quota</source>
            <translation>无离线配额</translation>
        </message>
        <message>
            <source>Sold out</source>
            <translation>已售罄</translation>
        </message>
        <message>
            <source>{n} left</source>
            <translation>余 {n} 张</translation>
        </message>
        <message>
            <source>In cart: {n}</source>
            <translation>已选 {n} 张</translation>
        </message>
    </context>
    <context>
        <name>SyncBridge</name>
        <message>
            <source>Store: not connected</source>
            <translation>中心库：未连接</translation>
        </message>
        <message>
            <source>Store: connecting…</source>
            <translation>中心库：连接中…</translation>
        </message>
        <message>
            <source>Local mode</source>
            <translation>本地模式</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>在线</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <source>{n} to upload</source>
            <translation>待上传 {n}</translation>
        </message>
        <message>
            <source>synced {time}</source>
            <translation>同步于 {time}</translation>
        </message>
        <message>
            <source>{n} refused</source>
            <translation>{n} 条被拒</translation>
        </message>
        <message>
            <source>clock off</source>
            <translation>时钟偏差</translation>
        </message>
        <message>
            <source>Store: {status}</source>
            <translation>中心库：{status}</translation>
        </message>
        <message>
            <source>No central store is connected; sales are kept in this window's database.</source>
            <translation>未连接中心库；销售记录保存在本窗口数据库中。</translation>
        </message>
        <message>
            <source>{n} operations were refused by the store: a supervisor must check them.</source>
            <translation>有 {n} 条操作被中心库拒绝，需值班主管处理。</translation>
        </message>
        <message>
            <source>This computer's clock is {s:+.0f} s off the store's.</source>
            <translation>本机时钟与中心库相差 {s:+.0f} 秒。</translation>
        </message>
        <message>
            <source>Connected to the central store.</source>
            <translation>已连接中心库。</translation>
        </message>
    </context>
    <context>
        <name>OrderDetailDialog</name>
        <message>
            <source>Order {order_no}</source>
            <translation>订单 {order_no}</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>门票</translation>
        </message>
        <message>
            <source>Payments</source>
            <translation>支付记录</translation>
        </message>
        <message>
            <source>Order no.</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Channel</source>
            <translation>渠道</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Ordered at</source>
            <translation>下单时间</translation>
        </message>
        <message>
            <source>Window · clerk</source>
            <translation>窗口 · 售票员</translation>
        </message>
        <message>
            <source>Customer</source>
            <translation>游客</translation>
        </message>
        <message>
            <source>total {total} · paid {paid} · refunded {refunded}</source>
            <translation>应付 {total} · 实付 {paid} · 已退 {refunded}</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Ticket code</source>
            <translation>票号</translation>
        </message>
        <message>
            <source>Ticket</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>单价</translation>
        </message>
        <message>
            <source>Redeemed at</source>
            <translation>核销时间</translation>
        </message>
        <message>
            <source>Payment no.</source>
            <translation>支付单号</translation>
        </message>
        <message>
            <source>Method</source>
            <translation>方式</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Cash</source>
            <translation>现金</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信支付</translation>
        </message>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>OTA</source>
            <translation>OTA</translation>
        </message>
        <message>
            <source>Voucher</source>
            <translation>代金券</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>支付中</translation>
        </message>
        <message>
            <source>Succeeded</source>
            <translation>成功</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Refunded</source>
            <translation>已退款</translation>
        </message>
        <message>
            <source>Awaiting approval</source>
            <translation>待审批</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Devices</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Fees</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Full details shown; the look is logged in the order's timeline.</source>
            <translation>已显示完整信息；本次查看已记入订单时间线。</translation>
        </message>
        <message>
            <source>Last heartbeat</source>
            <translation>最后心跳</translation>
        </message>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Needs the central store (offline now)</source>
            <translation>需要连接中心服务器（当前离线）</translation>
        </message>
        <message>
            <source>Processing</source>
            <translation>处理中</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Redeemed by</source>
            <translation>核销设备</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款金额</translation>
        </message>
        <message>
            <source>Refund no.</source>
            <translation>退款单号</translation>
        </message>
        <message>
            <source>Refunds</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Show full details</source>
            <translation>显示完整信息</translation>
        </message>
        <message>
            <source>Submitted</source>
            <translation>已提交平台</translation>
        </message>
        <message>
            <source>Timeline</source>
            <translation>时间线</translation>
        </message>
        <message>
            <source>Timeline ✗</source>
            <translation>时间线 ✗</translation>
        </message>
        <message>
            <source>Transaction no.</source>
            <translation>交易号</translation>
        </message>
    </context>
    <context>
        <name>OrdersModel</name>
        <message>
            <source>Customer</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Payment</source>
            <translation>支付</translation>
        </message>
        <message>
            <source>Window</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>Mini program</source>
            <translation>小程序</translation>
        </message>
        <message>
            <source>Website</source>
            <translation>官网</translation>
        </message>
        <message>
            <source>Ctrip</source>
            <translation>携程</translation>
        </message>
        <message>
            <source>Meituan</source>
            <translation>美团</translation>
        </message>
        <message>
            <source>Travel agency</source>
            <translation>旅行社</translation>
        </message>
        <message>
            <source>Order no.</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Channel</source>
            <translation>渠道</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Ordered at</source>
            <translation>下单时间</translation>
        </message>
    </context>
    <context>
        <name>OrdersView</name>
        <message>
            <source>Order no., ticket code (scan it), phone tail or name</source>
            <translation>订单号、票码（可扫码）、手机尾号或姓名</translation>
        </message>
        <message>
            <source>Ctrl+F search (as you type) · scan a ticket code · Enter search, then open · ↑/↓ move · Esc close or clear · Alt+C channel · Alt+S status · Alt+T ticket type · Alt+O order date · Alt+D visit date</source>
            <translation>Ctrl+F 搜索（边输边查）· 扫票码 · Enter 查询，再按打开 · ↑/↓ 移动 · Esc 关闭或清空 · Alt+C 渠道 · Alt+S 状态 · Alt+T 票种 · Alt+O 下单日期 · Alt+D 游玩日期</translation>
        </message>
        <message>
            <source>{n} orders, total {amount}</source>
            <translation>共 {n} 单，合计 {amount}</translation>
        </message>
        <message>
            <source> ({shown} shown, more below)</source>
            <translation>（已显示 {shown} 单，向下还有更多）</translation>
        </message>
        <message>
            <source>Order no., ticket code (scan it), phone tail or name — Enter</source>
            <translation>订单号、票号（可扫码）、手机尾号或姓名，按回车查询</translation>
        </message>
        <message>
            <source>All channels</source>
            <translation>全部渠道</translation>
        </message>
        <message>
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <source>Visit &amp;date</source>
            <translation>游玩日期(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Channel</source>
            <translation>渠道(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Status</source>
            <translation>状态(&amp;S)</translation>
        </message>
        <message>
            <source>Ctrl+F search · scan a ticket code · Enter search, then open · ↑/↓ move · Esc close or clear · Alt+C channel · Alt+S status · Alt+D visit date</source>
            <translation>Ctrl+F 搜索 · 可直接扫票码 · 回车查询，再按回车看详情 · ↑/↓ 选择 · Esc 关闭或清空 · Alt+C 渠道 · Alt+S 状态 · Alt+D 游玩日期</translation>
        </message>
        <message>
            <source>Searching…</source>
            <translation>正在查询…</translation>
        </message>
        <message>
            <source>No orders match.</source>
            <translation>没有符合条件的订单。</translation>
        </message>
        <message>
            <source>{n} orders shown, more below</source>
            <translation>已显示 {n} 单，向下还有更多</translation>
        </message>
        <message>
            <source>{n} orders</source>
            <translation>共 {n} 单</translation>
        </message>
    </context>
    <context>
        <name>SyncIssues</name>
        <message>
            <source>Sale</source>
            <translation>售票</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退票</translation>
        </message>
        <message>
            <source>Redemption</source>
            <translation>核销</translation>
        </message>
        <message>
            <source>Shift opened</source>
            <translation>开班</translation>
        </message>
        <message>
            <source>Shift closed</source>
            <translation>交班</translation>
        </message>
        <message>
            <source>Reprint</source>
            <translation>重打</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>序号</translation>
        </message>
        <message>
            <source>Operation</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Store's reason</source>
            <translation>中心库拒绝原因</translation>
        </message>
    </context>
    <context>
        <name>SyncIssuesDialog</name>
        <message>
            <source>Central store: refused operations</source>
            <translation>中心库拒绝的操作</translation>
        </message>
        <message>
            <source>No operation was refused by the store.</source>
            <translation>没有被中心库拒绝的操作。</translation>
        </message>
    </context>
    <context>
        <name>CashMovementsModel</name>
        <message>
            <source>Cash refund</source>
            <translation>现金退票</translation>
        </message>
        <message>
            <source>Approved payout</source>
            <translation>审批付现</translation>
        </message>
        <message>
            <source>Order {order} · refund {refund}</source>
            <translation>订单 {order} · 退款单 {refund}</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Cash in</source>
            <translation>存入</translation>
        </message>
        <message>
            <source>Cash out</source>
            <translation>取出</translation>
        </message>
    </context>
    <context>
        <name>ShiftView</name>
        <message>
            <source>This shift</source>
            <translation>本班</translation>
        </message>
        <message>
            <source>Past shifts</source>
            <translation>历史班次</translation>
        </message>
        <message>
            <source>Enter opens the shift · Tab walks the fields · Enter in a count moves on · Enter on Close shift asks, Tab then Enter closes · Ctrl+Tab past shifts, Enter reprints a Z report</source>
            <translation>Enter 开班 · Tab 切换输入框 · 清点时 Enter 跳到下一面额 · 在“交班”上按 Enter 先确认，再按 Tab、Enter 才交班 · Ctrl+Tab 历史班次，Enter 补打 Z 报表</translation>
        </message>
        <message>
            <source>Drawer: cash in / out, refunds, payouts</source>
            <translation>钱箱流水：存取、退款、付现</translation>
        </message>
        <message>
            <source>{clerk} has not closed this shift. Count the drawer, give the reason and take it over.</source>
            <translation>{clerk} 的班次尚未交班。请清点钱箱、填写原因后代为交班。</translation>
        </message>
        <message>
            <source>This shift is {clerk}'s and is still open. Only {clerk} or a supervisor can close it: ask a supervisor to take it over.</source>
            <translation>本窗口的班次由 {clerk} 开班，尚未交班。只有 {clerk} 本人或主管可以交班，请找主管代为交班。</translation>
        </message>
        <message>
            <source>Give the reason for taking this shift over.</source>
            <translation>请填写代交班原因。</translation>
        </message>
        <message>
            <source>Z report of {clerk}'s shift closed {closed} printed again (reprint {n}).</source>
            <translation>已补打 {clerk} 于 {closed} 交班的 Z 报表（重打 {n}）。</translation>
        </message>
        <message>
            <source>Open shift</source>
            <translation>开班</translation>
        </message>
        <message>
            <source>Opening &amp;float (yuan)</source>
            <translation>备用金（元）(&amp;F)</translation>
        </message>
        <message>
            <source>No shift is open at this window. Count the float into the drawer and open a shift.</source>
            <translation>本窗口还没有开班。请把备用金放入钱箱后开班。</translation>
        </message>
        <message>
            <source>Cash in</source>
            <translation>存入</translation>
        </message>
        <message>
            <source>Cash out</source>
            <translation>取出</translation>
        </message>
        <message>
            <source>Amount (yuan)</source>
            <translation>金额（元）</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>原因（必填）</translation>
        </message>
        <message>
            <source>Record</source>
            <translation>登记</translation>
        </message>
        <message>
            <source>Open a new shift</source>
            <translation>开新班</translation>
        </message>
        <message>
            <source>Shift closed. The Z report has been sent to the printer.</source>
            <translation>已交班，Z 报表已送打印机。</translation>
        </message>
        <message>
            <source>Shift opened with a float of {amount}</source>
            <translation>已开班，备用金 {amount}</translation>
        </message>
        <message>
            <source>{what} {amount} recorded; expected cash {expected}</source>
            <translation>已登记{what} {amount}，应有现金 {expected}</translation>
        </message>
        <message>
            <source>Shift closed; Z report queued for printing.</source>
            <translation>已交班，Z 报表已加入打印队列。</translation>
        </message>
    </context>
    <context>
        <name>RefundView</name>
        <message>
            <source>Code</source>
            <translation>票码</translation>
        </message>
        <message>
            <source>Scan or type (code, order no., today's 4-digit tail, phone), Enter · ↑/↓ and Space tick tickets, Ctrl+A all · Enter to the reason · Enter confirms</source>
            <translation>扫码或输入（票码、订单号、今日单号后四位、手机号）后回车 · ↑/↓ 选票，空格勾选，Ctrl+A 全选 · 回车到退票原因 · 回车确认</translation>
        </message>
        <message>
            <source>Today's order {no} of this window. {n} more orders have a phone ending in these digits: type the whole phone to see them.</source>
            <translation>已找到本窗口今日订单 {no}。另有 {n} 个订单的手机尾号是这几位，输入完整手机号可查看。</translation>
        </message>
        <message>
            <source>Select all (Ctrl+A)</source>
            <translation>全选 (Ctrl+A)</translation>
        </message>
        <message>
            <source>Select none (Ctrl+A)</source>
            <translation>全不选 (Ctrl+A)</translation>
        </message>
        <message>
            <source>Not paid out: {no}</source>
            <translation>未付现：{no}</translation>
        </message>
        <message>
            <source>Approved, to pay out here: {list} — click to open</source>
            <translation>已批准、待本窗口付现：{list}（点击打开）</translation>
        </message>
        <message>
            <source>Refund {no} ({amount}) approved: pay it out at this window.</source>
            <translation>退款 {no}（{amount}）已批准，请在本窗口付现。</translation>
        </message>
        <message>
            <source>{n} refunds approved: pay them out at this window.</source>
            <translation>{n} 笔退款已批准，请在本窗口付现。</translation>
        </message>
        <message>
            <source>Confirm: cash out of the drawer</source>
            <translation>确认付现</translation>
        </message>
        <message>
            <source>Pay out {amount} in cash for refund {no} (order {order}), approved by the central store?
The drawer should hold {before}; after the payout {after}. Count the notes out to the visitor.</source>
            <translation>退款 {no}（订单 {order}）已审批通过，确认付现 {amount}？
抽屉应有现金 {before}，付现后应有 {after}。请当面点清交给游客。</translation>
        </message>
        <message>
            <source>Pay out {amount}</source>
            <translation>确认付现 {amount}</translation>
        </message>
        <message>
            <source>Scan a ticket code or type an order no. — Enter</source>
            <translation>扫描票码或输入订单号 — 回车</translation>
        </message>
        <message>
            <source>Ticket</source>
            <translation>票</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>价格</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Rule</source>
            <translation>退票规则</translation>
        </message>
        <message>
            <source>Fee rate</source>
            <translation>费率</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Payment fee</source>
            <translation>支付手续费</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>退票原因（必填）</translation>
        </message>
        <message>
            <source>Confirm refund</source>
            <translation>确认退票</translation>
        </message>
        <message>
            <source>Scan or type, Enter · ↑/↓ and Space tick tickets · Tab to the reason · Enter confirms</source>
            <translation>扫码或输入后回车 · ↑/↓ 与空格勾选票 · Tab 到退票原因 · 回车确认退票</translation>
        </message>
        <message>
            <source>Valid</source>
            <translation>有效</translation>
        </message>
        <message>
            <source>Redeeming</source>
            <translation>核销中</translation>
        </message>
        <message>
            <source>Redeemed</source>
            <translation>已核销</translation>
        </message>
        <message>
            <source>Refunding</source>
            <translation>退票中</translation>
        </message>
        <message>
            <source>Refunded</source>
            <translation>已退票</translation>
        </message>
        <message>
            <source>Void</source>
            <translation>已作废</translation>
        </message>
        <message>
            <source>Order {no} · {total}</source>
            <translation>订单 {no} · {total}</translation>
        </message>
        <message>
            <source>Refund {refund} · fee {fee} · payment fee {pay}</source>
            <translation>合计退款 {refund} · 手续费 {fee} · 支付手续费 {pay}</translation>
        </message>
        <message>
            <source>Needs approval before the money goes back.</source>
            <translation>需审批后才能退款。</translation>
        </message>
        <message>
            <source>No approval needed.</source>
            <translation>无需审批。</translation>
        </message>
        <message>
            <source>Scan a ticket and tick the tickets to refund first.</source>
            <translation>请先扫描票码并勾选要退的票。</translation>
        </message>
        <message>
            <source>Requested</source>
            <translation>已申请</translation>
        </message>
        <message>
            <source>Awaiting approval</source>
            <translation>待审批</translation>
        </message>
        <message>
            <source>Approved</source>
            <translation>已审批</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Rejected</source>
            <translation>已驳回</translation>
        </message>
        <message>
            <source>Refund {no}: {status}, {amount}</source>
            <translation>退款单 {no}：{status}，{amount}</translation>
        </message>
        <message>
            <source>Goes back by the original payment route via the central store.</source>
            <translation>原路退回：由中心服务器提交退款。</translation>
        </message>
        <message>
            <source>No approval needed: cash out of the drawer now.</source>
            <translation>无需审批：现金当场退付。</translation>
        </message>
        <message>
            <source>Submit request</source>
            <translation>提交审批</translation>
        </message>
        <message>
            <source>Pay out {amount} ({no} approved)</source>
            <translation>付现 {amount}（{no} 已批准）</translation>
        </message>
        <message>
            <source>Cash paid out</source>
            <translation>已付现</translation>
        </message>
        <message>
            <source>Refunding by the original route</source>
            <translation>原路退款中</translation>
        </message>
        <message>
            <source>Submitted to the platform</source>
            <translation>已提交平台</translation>
        </message>
        <message>
            <source>This refund must be sent to the central store (approval or refund by the original payment route), and it cannot be reached now.</source>
            <translation>此退票需提交中心服务器（审批或原路退款），当前无法连接中心服务器，请联网后再提交。</translation>
        </message>
        <message>
            <source>Scan a ticket code, or type an order no. or the visitor's phone — Enter</source>
            <translation>扫描票码，或输入订单号、游客手机号 — 回车</translation>
        </message>
        <message>
            <source>{n} more orders of this visitor have valid tickets; showing the newest. Scan a ticket to pick another.</source>
            <translation>该游客另有 {n} 个订单有可用票，当前显示最新的一个。扫描票码可选其他订单。</translation>
        </message>
        <message>
            <source>Adjust the fee (with evidence)</source>
            <translation>调整手续费（需凭证）</translation>
        </message>
        <message>
            <source>Fee %</source>
            <translation>手续费率 %</translation>
        </message>
        <message>
            <source>Why (e.g. hospital certificate)</source>
            <translation>调整原因（如医院证明）</translation>
        </message>
        <message>
            <source>Evidence no.</source>
            <translation>凭证编号</translation>
        </message>
        <message>
            <source>The quote is being updated; check it and confirm again.</source>
            <translation>报价正在更新，请核对后再确认。</translation>
        </message>
    </context>
    <context>
        <name>ApprovalsModel</name>
        <message>
            <source>Tickets</source>
            <translation>退票</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Paid by</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>{n} tickets</source>
            <translation>{n} 张票</translation>
        </message>
        <message>
            <source>Order {no}: not readable from the store now</source>
            <translation>订单 {no}：暂时无法从中心库读取</translation>
        </message>
        <message>
            <source>window {terminal}, {clerk}</source>
            <translation>{terminal} 号窗口 {clerk}</translation>
        </message>
        <message>
            <source>Order {no} · {tickets} · ordered {at} · sold by {seller} · asked by {asker} · visit {visit} · paid {paid} by {method} · refund {amount}</source>
            <translation>订单 {no} · {tickets} · {at} 下单 · {seller} 售出 · 申请人 {asker} · 游玩日期 {visit} · 实付 {paid}（{method}） · 退款 {amount}</translation>
        </message>
        <message>
            <source>Refund no.</source>
            <translation>退款单号</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款金额</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Asked by</source>
            <translation>申请人</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Fee override</source>
            <translation>手续费调整</translation>
        </message>
        <message>
            <source>Approvals</source>
            <translation>审批</translation>
        </message>
        <message>
            <source>Waiting</source>
            <translation>已等待</translation>
        </message>
        <message>
            <source>{role} needed</source>
            <translation>需{role}审批</translation>
        </message>
        <message>
            <source>{rate} · {reason} · evidence {no}</source>
            <translation>{rate} · {reason} · 凭证 {no}</translation>
        </message>
        <message>
            <source>{n} min</source>
            <translation>{n} 分钟</translation>
        </message>
        <message>
            <source>{h} h {m} min</source>
            <translation>{h} 小时 {m} 分钟</translation>
        </message>
    </context>
    <context>
        <name>ApprovalsView</name>
        <message>
            <source>Confirm: a large refund</source>
            <translation>确认：大额退款</translation>
        </message>
        <message>
            <source>Refund {no}: {amount} goes back to the visitor.
{order}
Approve it?</source>
            <translation>退款 {no}：将退还游客 {amount}。
{order}
确认批准？</translation>
        </message>
        <message>
            <source>Approve {amount}</source>
            <translation>批准 {amount}</translation>
        </message>
        <message>
            <source>Not approved: {no}</source>
            <translation>未批准：{no}</translation>
        </message>
        <message>
            <source>Approve (Enter)</source>
            <translation>批准（Enter）</translation>
        </message>
        <message>
            <source>Reason to reject (required)</source>
            <translation>驳回原因（必填）</translation>
        </message>
        <message>
            <source>Reject</source>
            <translation>驳回</translation>
        </message>
        <message>
            <source>Reload (F5)</source>
            <translation>刷新（F5）</translation>
        </message>
        <message>
            <source>↑/↓ choose a refund · Enter approves · Tab to the reason, Enter rejects · F5 reloads</source>
            <translation>↑/↓ 选择退款 · Enter 批准 · Tab 到驳回原因，Enter 驳回 · F5 刷新</translation>
        </message>
        <message>
            <source>Not connected to the central store: approvals are made there. The list comes back when the connection does.</source>
            <translation>未连接中心服务器：审批在中心服务器上进行，连接恢复后列表会自动出现。</translation>
        </message>
        <message>
            <source>{n} waiting · {amount} in all</source>
            <translation>{n} 笔待审批，合计 {amount}</translation>
        </message>
        <message>
            <source>still waiting for another approver</source>
            <translation>已审批，仍需另一位审批人</translation>
        </message>
        <message>
            <source>approved: the window pays the cash out</source>
            <translation>已批准：由窗口付现</translation>
        </message>
        <message>
            <source>approved and refunded</source>
            <translation>已批准并退款</translation>
        </message>
        <message>
            <source>approved: refunding by the original route</source>
            <translation>已批准：原路退款中</translation>
        </message>
        <message>
            <source>approved: submitted to the platform</source>
            <translation>已批准：已提交平台</translation>
        </message>
        <message>
            <source>rejected</source>
            <translation>已驳回</translation>
        </message>
        <message>
            <source>{no} {amount}: {status}</source>
            <translation>{no} {amount}：{status}</translation>
        </message>
    </context>
    <context>
        <name>TimelineModel</name>
        <message>
            <source>(check failed)</source>
            <translation>（校验失败）</translation>
        </message>
        <message>
            <source>By</source>
            <translation>操作者</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Event</source>
            <translation>事件</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
    </context>
    <context>
        <name>TimelinePanel</name>
        <message>
            <source>✓ Hash chain verified ({n} events)</source>
            <translation>✓ 哈希链校验通过（共 {n} 条）</translation>
        </message>
        <message>
            <source>✗ Check failed: the log was altered from event {seq} on</source>
            <translation>✗ 校验失败：从第 {seq} 条起记录被改动</translation>
        </message>
    </context>
    <context>
        <name>DeviceDialog</name>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Device id</source>
            <translation>设备编号</translation>
        </message>
        <message>
            <source>Device secret</source>
            <translation>设备密钥</translation>
        </message>
        <message>
            <source>Enter the device secret.</source>
            <translation>请输入设备密钥。</translation>
        </message>
        <message>
            <source>Enter the window number and the device secret the administrator got when registering this window (管理 → 设备).</source>
            <translation>请填写管理员登记本窗口时得到的窗口编号和设备密钥（管理 → 设备）。</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>The window number is 1 to 8 letters or digits, e.g. 05.</source>
            <translation>窗口编号是 1–8 位字母或数字，例如 05。</translation>
        </message>
        <message>
            <source>This window as a device</source>
            <translation>本窗口设备</translation>
        </message>
        <message>
            <source>Window number</source>
            <translation>窗口编号</translation>
        </message>
    </context>
    <context>
        <name>LargeSaleDialog</name>
        <message>
            <source>Large sale</source>
            <translation>大额售票</translation>
        </message>
        <message>
            <source>{n} tickets, {amount} in all. Type the number of tickets ({n}) and press Enter to sell; Esc goes back.</source>
            <translation>本单共 {n} 张，合计 {amount}。请输入张数 {n} 并按 Enter 售出；按 Esc 返回。</translation>
        </message>
        <message>
            <source>Sell</source>
            <translation>售出</translation>
        </message>
        <message>
            <source>Type {n}, the number of tickets, to sell — or Esc.</source>
            <translation>请输入张数 {n} 才能售出，或按 Esc 返回。</translation>
        </message>
    </context>
    <context>
        <name>SellKeys</name>
        <message>
            <source>{text} is no number of tickets: type a whole number, then the ticket key.</source>
            <translation>“{text}”不是张数：请输入整数再按票种键。</translation>
        </message>
    </context>
    <context>
        <name>PayoutCounter</name>
        <message>
            <source>Approved refunds to pay out in cash here — click to open the Refund screen</source>
            <translation>已批准、待本窗口付现的退款，点击打开退票页</translation>
        </message>
        <message>
            <source>To pay out: {n}</source>
            <translation>待付现 {n}</translation>
        </message>
    </context>
    <context>
        <name>CountBox</name>
        <message>
            <source>Count the drawer and close</source>
            <translation>清点钱箱并交班</translation>
        </message>
        <message>
            <source>pcs</source>
            <translation>张</translation>
        </message>
        <message>
            <source>{n} yuan</source>
            <translation>{n}元</translation>
        </message>
        <message>
            <source>{n} jiao</source>
            <translation>{n}角</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Why you close this shift (required)</source>
            <translation>代交班原因（必填）</translation>
        </message>
        <message>
            <source>Take-over reason</source>
            <translation>代交班原因</translation>
        </message>
        <message>
            <source>Close shift</source>
            <translation>交班</translation>
        </message>
        <message>
            <source>Take over and close</source>
            <translation>代为交班</translation>
        </message>
    </context>
    <context>
        <name>Variance</name>
        <message>
            <source>Over</source>
            <translation>长款</translation>
        </message>
        <message>
            <source>Short</source>
            <translation>短款</translation>
        </message>
        <message>
            <source>Even</source>
            <translation>无差异</translation>
        </message>
    </context>
    <context>
        <name>CloseConfirmDialog</name>
        <message>
            <source>Close the shift?</source>
            <translation>确认交班</translation>
        </message>
        <message>
            <source>Shift of</source>
            <translation>班次收银员</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Taken over by</source>
            <translation>代交班人</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>代交班原因</translation>
        </message>
        <message>
            <source>Closing cannot be undone. Enter goes back to counting; to close, press Tab, then Enter.</source>
            <translation>交班后不能撤销。按 Enter 返回清点；确认交班请先按 Tab，再按 Enter。</translation>
        </message>
        <message>
            <source>Back to counting</source>
            <translation>返回清点</translation>
        </message>
        <message>
            <source>Close shift</source>
            <translation>交班</translation>
        </message>
        <message>
            <source>Take over and close</source>
            <translation>代为交班</translation>
        </message>
    </context>
    <context>
        <name>ShiftReportForm</name>
        <message>
            <source>Clerk</source>
            <translation>收银员</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>开班时间</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>交班时间</translation>
        </message>
        <message>
            <source>Float</source>
            <translation>备用金</translation>
        </message>
        <message>
            <source>Cash sales</source>
            <translation>现金销售</translation>
        </message>
        <message>
            <source>Cash refunds and payouts</source>
            <translation>现金退款（含付现）</translation>
        </message>
        <message>
            <source>Cash in</source>
            <translation>存入</translation>
        </message>
        <message>
            <source>Cash out</source>
            <translation>取出</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Taken over by</source>
            <translation>代交班人</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>代交班原因</translation>
        </message>
        <message>
            <source>{n} sales, {amount}</source>
            <translation>{n} 笔，{amount}</translation>
        </message>
        <message>
            <source>{n}, {amount}</source>
            <translation>{n} 笔，{amount}</translation>
        </message>
    </context>
    <context>
        <name>PastShiftsModel</name>
        <message>
            <source>Clerk</source>
            <translation>收银员</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>开班</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>交班</translation>
        </message>
        <message>
            <source>Float</source>
            <translation>备用金</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Closed by</source>
            <translation>交班人</translation>
        </message>
        <message>
            <source>{who} (took over)</source>
            <translation>{who}（代交班）</translation>
        </message>
    </context>
    <context>
        <name>PastShiftsPanel</name>
        <message>
            <source>Reprint Z report</source>
            <translation>补打 Z 报表</translation>
        </message>
        <message>
            <source>No shift has been closed at this window yet.</source>
            <translation>本窗口还没有已交班的班次。</translation>
        </message>
    </context>
    <context>
        <name>ShiftSummary</name>
        <message>
            <source>Shift</source>
            <translation>班次</translation>
        </message>
        <message>
            <source>Float</source>
            <translation>备用金</translation>
        </message>
        <message>
            <source>Cash sales</source>
            <translation>现金销售</translation>
        </message>
        <message>
            <source>Cash refunds</source>
            <translation>现金退票</translation>
        </message>
        <message>
            <source>Approved payouts</source>
            <translation>审批付现</translation>
        </message>
        <message>
            <source>Cash in</source>
            <translation>存入</translation>
        </message>
        <message>
            <source>Cash out</source>
            <translation>取出</translation>
        </message>
        <message>
            <source>Expected cash now</source>
            <translation>当前应有现金</translation>
        </message>
        <message>
            <source>Non-cash sales</source>
            <translation>非现金收款</translation>
        </message>
        <message>
            <source>{clerk} · terminal {terminal} · since {at}</source>
            <translation>{clerk} · 终端 {terminal} · {at} 开班</translation>
        </message>
        <message>
            <source>{n} sales, {amount}</source>
            <translation>{n} 笔，{amount}</translation>
        </message>
        <message>
            <source>{n}, {amount}</source>
            <translation>{n} 笔，{amount}</translation>
        </message>
        <message>
            <source>{method} {n}, {amount}</source>
            <translation>{method} {n} 笔，{amount}</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信支付</translation>
        </message>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>OTA</source>
            <translation>OTA</translation>
        </message>
        <message>
            <source>Voucher</source>
            <translation>代金券</translation>
        </message>
    </context>
    <context>
        <name>VoidAction</name>
        <message>
            <source>Void last sale</source>
            <translation>撤销上一单</translation>
        </message>
        <message>
            <source>Void the sale just made: the whole sale, no fee, within minutes</source>
            <translation>撤销刚售出的一单：整单退现金，不收手续费，限售出后几分钟内</translation>
        </message>
        <message>
            <source>Void {order_no} (sold at {time})?
{lines}
Give back {amount} in cash; its tickets will not be admitted. No fee.</source>
            <translation>撤销 {order_no}（{time} 售出）？
{lines}
退还现金 {amount}，门票作废，不收手续费。</translation>
        </message>
        <message>
            <source>Void and give cash back</source>
            <translation>撤销并退现金</translation>
        </message>
        <message>
            <source>Keep the sale</source>
            <translation>不撤销</translation>
        </message>
        <message>
            <source>Not voided: {order_no}</source>
            <translation>未撤销：{order_no}</translation>
        </message>
        <message>
            <source>Voided {order_no}: give back {amount} in cash</source>
            <translation>已撤销 {order_no}，请退还现金 {amount}</translation>
        </message>
        <message>
            <source>Ctrl+Z void last sale</source>
            <translation>Ctrl+Z 撤销上一单</translation>
        </message>
    </context>
    <context>
        <name>AdminLabels</name>
        <message>
            <source>Active</source>
            <translation>启用</translation>
        </message>
        <message>
            <source>Administrator</source>
            <translation>管理员</translation>
        </message>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>Capacity</source>
            <translation>库存</translation>
        </message>
        <message>
            <source>Cash</source>
            <translation>现金</translation>
        </message>
        <message>
            <source>Changed</source>
            <translation>修改</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>售票员</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <source>Components</source>
            <translation>组成</translation>
        </message>
        <message>
            <source>Confirmed</source>
            <translation>确认</translation>
        </message>
        <message>
            <source>Confirmed by</source>
            <translation>确认人</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>新建</translation>
        </message>
        <message>
            <source>Deactivated</source>
            <translation>停用</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Display name</source>
            <translation>显示名</translation>
        </message>
        <message>
            <source>Dual approval from</source>
            <translation>双人审批金额</translation>
        </message>
        <message>
            <source>Fault</source>
            <translation>故障</translation>
        </message>
        <message>
            <source>Fee</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Finance</source>
            <translation>财务</translation>
        </message>
        <message>
            <source>Force majeure</source>
            <translation>不可抗力</translation>
        </message>
        <message>
            <source>Fri</source>
            <translation>周五</translation>
        </message>
        <message>
            <source>From</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>Gate</source>
            <translation>闸机</translation>
        </message>
        <message>
            <source>Group</source>
            <translation>团队票</translation>
        </message>
        <message>
            <source>Holidays</source>
            <translation>节假日</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Maintenance</source>
            <translation>维护中</translation>
        </message>
        <message>
            <source>Minimum group</source>
            <translation>最少人数</translation>
        </message>
        <message>
            <source>Mon</source>
            <translation>周一</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>OTA platform</source>
            <translation>OTA 平台</translation>
        </message>
        <message>
            <source>Office</source>
            <translation>办公室</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>离线</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>在线</translation>
        </message>
        <message>
            <source>Package</source>
            <translation>套票</translation>
        </message>
        <message>
            <source>Pass (uses)</source>
            <translation>次卡/年卡</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Password reset</source>
            <translation>密码已重置</translation>
        </message>
        <message>
            <source>Payment fees</source>
            <translation>支付手续费</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>价格</translation>
        </message>
        <message>
            <source>Proposed</source>
            <translation>提议</translation>
        </message>
        <message>
            <source>Proposed by</source>
            <translation>提议人</translation>
        </message>
        <message>
            <source>Refund policy</source>
            <translation>退票规则</translation>
        </message>
        <message>
            <source>Registered</source>
            <translation>登记</translation>
        </message>
        <message>
            <source>Regular</source>
            <translation>普通票</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Same-day fee</source>
            <translation>当天退票手续费</translation>
        </message>
        <message>
            <source>Sat</source>
            <translation>周六</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>服务器</translation>
        </message>
        <message>
            <source>Set</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Special offer</source>
            <translation>特价票</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Sun</source>
            <translation>周日</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>值班主管</translation>
        </message>
        <message>
            <source>Thu</source>
            <translation>周四</translation>
        </message>
        <message>
            <source>Ticket type</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Ticket window</source>
            <translation>售票窗口</translation>
        </message>
        <message>
            <source>To</source>
            <translation>结束</translation>
        </message>
        <message>
            <source>Tue</source>
            <translation>周二</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Uses</source>
            <translation>次数</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Voucher</source>
            <translation>代金券</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信支付</translation>
        </message>
        <message>
            <source>Wed</source>
            <translation>周三</translation>
        </message>
        <message>
            <source>Weekdays</source>
            <translation>星期</translation>
        </message>
        <message>
            <source>Window no.</source>
            <translation>窗口号</translation>
        </message>
        <message>
            <source>command line</source>
            <translation>命令行</translation>
        </message>
        <message>
            <source>in force</source>
            <translation>已生效</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>no change</source>
            <translation>无变化</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>reset</source>
            <translation>已重置</translation>
        </message>
        <message>
            <source>system</source>
            <translation>系统</translation>
        </message>
        <message>
            <source>waiting for a second person</source>
            <translation>待第二人确认</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
    </context>
    <context>
        <name>AdminChangesModel</name>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Before → after</source>
            <translation>变更前 → 变更后</translation>
        </message>
        <message>
            <source>By</source>
            <translation>操作人</translation>
        </message>
        <message>
            <source>Record</source>
            <translation>对象</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
    </context>
    <context>
        <name>AdminRequests</name>
        <message>
            <source>Not connected to the central store: administration is done there.</source>
            <translation>未连接中心服务器：管理操作须在中心服务器上完成。</translation>
        </message>
    </context>
    <context>
        <name>AdminView</name>
        <message>
            <source>Alt+1…{n} choose a tab · F5 reloads it</source>
            <translation>Alt+1…{n} 切换标签 · F5 刷新</translation>
        </message>
        <message>
            <source>Capacity calendar</source>
            <translation>库存日历</translation>
        </message>
        <message>
            <source>Change log</source>
            <translation>变更记录</translation>
        </message>
        <message>
            <source>Devices</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>Not connected to the central store: users, devices, catalog, capacity and the refund policy are kept there, so nothing can be changed now. What is shown was read before.</source>
            <translation>未连接中心服务器：用户、设备、票种、库存和退票规则都保存在中心服务器，现在不能修改。下面显示的是之前读取的内容。</translation>
        </message>
        <message>
            <source>Read only: administrators change users, devices, ticket types, capacity and the refund policy. Supervisors may propose and confirm force-majeure days.</source>
            <translation>只读：用户、设备、票种、库存和退票规则由管理员修改。主管可以提议和确认不可抗力日。</translation>
        </message>
        <message>
            <source>Refund rules</source>
            <translation>退票规则</translation>
        </message>
        <message>
            <source>Ticket types</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>Users</source>
            <translation>用户</translation>
        </message>
    </context>
    <context>
        <name>CapacityCalendarModel</name>
        <message>
            <source>Capacity {capacity} · sold {sold} · held by windows {held} · left {available}</source>
            <translation>库存 {capacity} · 已售 {sold} · 窗口预留 {held} · 剩余 {available}</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Not open for sale: no capacity set</source>
            <translation>未开放售票：尚未设置库存</translation>
        </message>
        <message>
            <source>{capacity} (sold {sold}, held {held})</source>
            <translation>{capacity}（售 {sold} · 留 {held}）</translation>
        </message>
    </context>
    <context>
        <name>CapacityTab</name>
        <message>
            <source>At most one year at a time.</source>
            <translation>一次最多设置一年。</translation>
        </message>
        <message>
            <source>Capacity per day</source>
            <translation>每日库存</translation>
        </message>
        <message>
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <source>Next month (PgDn) ▶</source>
            <translation>下个月 (PgDn) ▶</translation>
        </message>
        <message>
            <source>PgUp/PgDn month · arrows and Shift choose days of one type · Tab to the form · Enter or Ctrl+S sets the capacity · F5 reload</source>
            <translation>PgUp/PgDn 换月 · 方向键加 Shift 选同一票种的多天 · Tab 到下方表单 · Enter 或 Ctrl+S 设置库存 · F5 刷新</translation>
        </message>
        <message>
            <source>Set (Ctrl+S)</source>
            <translation>设置 (Ctrl+S)</translation>
        </message>
        <message>
            <source>Set capacity for a date range</source>
            <translation>按日期范围设置库存</translation>
        </message>
        <message>
            <source>The end date is before the start date.</source>
            <translation>结束日期早于开始日期。</translation>
        </message>
        <message>
            <source>Tick at least one weekday.</source>
            <translation>请至少勾选一个星期几。</translation>
        </message>
        <message>
            <source>Ticket type</source>
            <translation>票种</translation>
        </message>
        <message>
            <source>To</source>
            <translation>到</translation>
        </message>
        <message>
            <source>Weekdays</source>
            <translation>星期</translation>
        </message>
        <message>
            <source>{month}/{year}</source>
            <translation>{year}年{month}月</translation>
        </message>
        <message>
            <source>{name}: capacity {capacity} set on {n} days.</source>
            <translation>{name}：已将 {n} 天的库存设为 {capacity}。</translation>
        </message>
        <message>
            <source>◀ Previous month (PgUp)</source>
            <translation>◀ 上个月 (PgUp)</translation>
        </message>
    </context>
    <context>
        <name>ChangesTab</name>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <source>Earlier (End)</source>
            <translation>更早的记录 (End)</translation>
        </message>
        <message>
            <source>↑/↓ read · Alt+F kind of record · End loads earlier changes · F5 reload</source>
            <translation>↑/↓ 查看 · Alt+F 选择对象类型 · End 加载更早的记录 · F5 刷新</translation>
        </message>
    </context>
    <context>
        <name>DevicesModel</name>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>In service</source>
            <translation>使用状态</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Last user: {user}</source>
            <translation>最后使用者：{user}</translation>
        </message>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Window no.</source>
            <translation>窗口号</translation>
        </message>
    </context>
    <context>
        <name>DevicesTab</name>
        <message>
            <source>Back into service (Ctrl+D)</source>
            <translation>恢复使用 (Ctrl+D)</translation>
        </message>
        <message>
            <source>Device {device} registered.</source>
            <translation>设备 {device} 已登记。</translation>
        </message>
        <message>
            <source>Location (Enter)</source>
            <translation>修改位置 (Enter)</translation>
        </message>
        <message>
            <source>Register a device (Ctrl+N)</source>
            <translation>登记设备 (Ctrl+N)</translation>
        </message>
        <message>
            <source>Take out of service (Ctrl+D)</source>
            <translation>停用设备 (Ctrl+D)</translation>
        </message>
        <message>
            <source>{device} is back in service.</source>
            <translation>{device} 已恢复使用。</translation>
        </message>
        <message>
            <source>{device} is out of service: it can no longer sign in.</source>
            <translation>{device} 已停用，不能再登录。</translation>
        </message>
        <message>
            <source>{device} now stands at {location}.</source>
            <translation>{device} 的位置已改为 {location}。</translation>
        </message>
        <message>
            <source>↑/↓ choose a device · Ctrl+N register · Enter location · Ctrl+D out of or back into service · F5 reload</source>
            <translation>↑/↓ 选择设备 · Ctrl+N 登记 · Enter 修改位置 · Ctrl+D 停用或恢复 · F5 刷新</translation>
        </message>
    </context>
    <context>
        <name>EditUserDialog</name>
        <message>
            <source>Change user {name}</source>
            <translation>修改用户 {name}</translation>
        </message>
        <message>
            <source>Display name</source>
            <translation>显示名</translation>
        </message>
        <message>
            <source>Nothing changed.</source>
            <translation>没有修改任何内容。</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
    </context>
    <context>
        <name>ForceMajeureModel</name>
        <message>
            <source>Fee</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>In force (confirmed by {who})</source>
            <translation>已生效（确认人 {who}）</translation>
        </message>
        <message>
            <source>Proposed by</source>
            <translation>提议人</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>Waiting for a second person</source>
            <translation>等待第二人确认</translation>
        </message>
    </context>
    <context>
        <name>ForceMajeurePanel</name>
        <message>
            <source>Force-majeure days</source>
            <translation>不可抗力日</translation>
        </message>
        <message>
            <source>Please give the reason (it is shown on every refund of that day).</source>
            <translation>请填写原因（当天每笔退票都会显示）。</translation>
        </message>
        <message>
            <source>Propose or confirm (Enter)</source>
            <translation>提议或确认 (Enter)</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Refund fee</source>
            <translation>退票手续费</translation>
        </message>
        <message>
            <source>Two people: a supervisor or admin proposes; another one enters the same date, fee and reason to put it in force.</source>
            <translation>需两人：一位主管或管理员提议，另一位输入相同的日期、手续费和原因后生效。</translation>
        </message>
        <message>
            <source>Visit date</source>
            <translation>游玩日期</translation>
        </message>
        <message>
            <source>e.g. 暴雨闭园，全额退票</source>
            <translation>例如：暴雨闭园，全额退票</translation>
        </message>
        <message>
            <source>{day}: in force from now on, confirmed by {who}.</source>
            <translation>{day}：即日起生效，确认人 {who}。</translation>
        </message>
        <message>
            <source>{day}: proposed; another supervisor or admin must confirm it.</source>
            <translation>{day}：已提议，需另一位主管或管理员确认。</translation>
        </message>
    </context>
    <context>
        <name>HolidaysModel</name>
        <message>
            <source>From</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>Same-day refund fee</source>
            <translation>当天退票手续费</translation>
        </message>
        <message>
            <source>To</source>
            <translation>结束</translation>
        </message>
    </context>
    <context>
        <name>MoveDeviceDialog</name>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Location of {device}</source>
            <translation>{device} 的位置</translation>
        </message>
    </context>
    <context>
        <name>NewUserDialog</name>
        <message>
            <source>At least 8 characters, not the user name.</source>
            <translation>至少 8 个字符，不能与用户名相同。</translation>
        </message>
        <message>
            <source>Display name</source>
            <translation>显示名</translation>
        </message>
        <message>
            <source>New user</source>
            <translation>新建用户</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Password again</source>
            <translation>再次输入密码</translation>
        </message>
        <message>
            <source>Please enter the user name.</source>
            <translation>请输入用户名。</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>The two passwords differ.</source>
            <translation>两次输入的密码不一致。</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
    </context>
    <context>
        <name>PasswordDialog</name>
        <message>
            <source>At least 8 characters, not the user name. The user is signed out everywhere.</source>
            <translation>至少 8 个字符，不能与用户名相同。该用户将在所有设备上退出登录。</translation>
        </message>
        <message>
            <source>New password</source>
            <translation>新密码</translation>
        </message>
        <message>
            <source>New password for {name}</source>
            <translation>为 {name} 设置新密码</translation>
        </message>
        <message>
            <source>Password again</source>
            <translation>再次输入密码</translation>
        </message>
        <message>
            <source>The two passwords differ.</source>
            <translation>两次输入的密码不一致。</translation>
        </message>
    </context>
    <context>
        <name>RefundPolicyTab</name>
        <message>
            <source>Add holiday</source>
            <translation>添加节假日</translation>
        </message>
        <message>
            <source>Holiday added; Ctrl+S saves the policy.</source>
            <translation>已添加节假日，按 Ctrl+S 保存规则。</translation>
        </message>
        <message>
            <source>Holiday removed; Ctrl+S saves the policy.</source>
            <translation>已删除节假日，按 Ctrl+S 保存规则。</translation>
        </message>
        <message>
            <source>Holidays: a same-day refund costs the holiday's rate</source>
            <translation>节假日：当天退票按节假日费率收取手续费</translation>
        </message>
        <message>
            <source>Payment fees kept</source>
            <translation>不退的支付手续费</translation>
        </message>
        <message>
            <source>Refund policy</source>
            <translation>退票规则</translation>
        </message>
        <message>
            <source>Refund policy saved: refunds asked from now on use it.</source>
            <translation>退票规则已保存，此后申请的退票按新规则计算。</translation>
        </message>
        <message>
            <source>Remove (Del)</source>
            <translation>删除 (Del)</translation>
        </message>
        <message>
            <source>Save policy (Ctrl+S)</source>
            <translation>保存规则 (Ctrl+S)</translation>
        </message>
        <message>
            <source>Tab moves through the form · Enter in the holiday dates adds the holiday · Del removes the chosen holiday · Ctrl+S saves the policy · F5 reload</source>
            <translation>Tab 在表单中移动 · 在节假日日期中按 Enter 添加 · Del 删除选中的节假日 · Ctrl+S 保存规则 · F5 刷新</translation>
        </message>
        <message>
            <source>The holiday ends before it starts.</source>
            <translation>节假日结束日期早于开始日期。</translation>
        </message>
        <message>
            <source>Two approvers from (yuan)</source>
            <translation>需双人审批的金额（元）</translation>
        </message>
        <message>
            <source>yuan, e.g. 5000</source>
            <translation>元，例如 5000</translation>
        </message>
    </context>
    <context>
        <name>RegisterDeviceDialog</name>
        <message>
            <source>A ticket window needs its window number.</source>
            <translation>售票窗口需要填写窗口号。</translation>
        </message>
        <message>
            <source>Device id</source>
            <translation>设备编号</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Location</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Please enter the device id (letters, digits, . _ -).</source>
            <translation>请输入设备编号（字母、数字、. _ -）。</translation>
        </message>
        <message>
            <source>Register a device</source>
            <translation>登记设备</translation>
        </message>
        <message>
            <source>Window no.</source>
            <translation>窗口号</translation>
        </message>
        <message>
            <source>e.g. 03</source>
            <translation>例如 03</translation>
        </message>
        <message>
            <source>e.g. 南门售票厅</source>
            <translation>例如：南门售票厅</translation>
        </message>
    </context>
    <context>
        <name>SecretDialog</name>
        <message>
            <source>Copied to the clipboard.</source>
            <translation>已复制到剪贴板。</translation>
        </message>
        <message>
            <source>Copy (Ctrl+C)</source>
            <translation>复制 (Ctrl+C)</translation>
        </message>
        <message>
            <source>Device secret of {device}</source>
            <translation>{device} 的设备密钥</translation>
        </message>
        <message>
            <source>I have noted it — close</source>
            <translation>已记下，关闭</translation>
        </message>
        <message>
            <source>The secret is shown this once: the store keeps only a fingerprint of it. Lost, the device must be registered again.</source>
            <translation>密钥只显示这一次：中心服务器只保存它的指纹。遗失后只能重新登记设备。</translation>
        </message>
        <message>
            <source>{device} ({where}) is registered. Enter this secret on that device when it signs in for the first time.</source>
            <translation>{device}（{where}）已登记。该设备第一次登录时请输入此密钥。</translation>
        </message>
    </context>
    <context>
        <name>TicketTypeDialog</name>
        <message>
            <source>A new price applies to sales after it; orders already sold keep theirs.</source>
            <translation>新价格只用于此后的销售，已售订单价格不变。</translation>
        </message>
        <message>
            <source>A package is made of at least two ticket types, e.g. ADULT+CHILD.</source>
            <translation>套票至少由两种票组成，例如 ADULT+CHILD。</translation>
        </message>
        <message>
            <source>Change ticket type {code}</source>
            <translation>修改票种 {code}</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <source>Components</source>
            <translation>组成</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Minimum group size</source>
            <translation>最少人数</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>New ticket type</source>
            <translation>新建票种</translation>
        </message>
        <message>
            <source>On sale</source>
            <translation>在售</translation>
        </message>
        <message>
            <source>Please enter the code (letters and digits, e.g. ADULT).</source>
            <translation>请输入代码（字母和数字，例如 ADULT）。</translation>
        </message>
        <message>
            <source>Please enter the name printed on the ticket.</source>
            <translation>请输入印在票面上的名称。</translation>
        </message>
        <message>
            <source>Price (yuan)</source>
            <translation>价格（元）</translation>
        </message>
        <message>
            <source>Types on sale: {codes}</source>
            <translation>在售票种：{codes}</translation>
        </message>
        <message>
            <source>Uses per pass</source>
            <translation>可用次数</translation>
        </message>
        <message>
            <source>codes joined by +, e.g. ADULT+CHILD</source>
            <translation>用 + 连接代码，例如 ADULT+CHILD</translation>
        </message>
        <message>
            <source>yuan, e.g. 120 or 99.5</source>
            <translation>元，例如 120 或 99.5</translation>
        </message>
    </context>
    <context>
        <name>TicketTypesModel</name>
        <message>
            <source>At least {n} people</source>
            <translation>至少 {n} 人</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>价格</translation>
        </message>
        <message>
            <source>Set of {parts}</source>
            <translation>含 {parts}</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>{n} uses</source>
            <translation>{n} 次</translation>
        </message>
    </context>
    <context>
        <name>TicketTypesTab</name>
        <message>
            <source>Back on sale (Ctrl+D)</source>
            <translation>恢复销售 (Ctrl+D)</translation>
        </message>
        <message>
            <source>Change (Enter)</source>
            <translation>修改 (Enter)</translation>
        </message>
        <message>
            <source>New ticket type (Ctrl+N)</source>
            <translation>新建票种 (Ctrl+N)</translation>
        </message>
        <message>
            <source>Take off sale (Ctrl+D)</source>
            <translation>停售 (Ctrl+D)</translation>
        </message>
        <message>
            <source>Ticket type {code} {name} ({kind}) created.</source>
            <translation>已新建票种 {code} {name}（{kind}）。</translation>
        </message>
        <message>
            <source>Ticket type {code} {name} ({kind}) saved.</source>
            <translation>票种 {code} {name}（{kind}）已保存。</translation>
        </message>
        <message>
            <source>{name} is off sale; its orders stay as they are.</source>
            <translation>{name} 已停售，已售订单不受影响。</translation>
        </message>
        <message>
            <source>{name} is on sale again.</source>
            <translation>{name} 已恢复销售。</translation>
        </message>
        <message>
            <source>↑/↓ choose a type · Enter change · Ctrl+N new type · Ctrl+D off or back on sale · F5 reload</source>
            <translation>↑/↓ 选择票种 · Enter 修改 · Ctrl+N 新建 · Ctrl+D 停售或恢复 · F5 刷新</translation>
        </message>
    </context>
    <context>
        <name>UsersModel</name>
        <message>
            <source>Display name</source>
            <translation>显示名</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
    </context>
    <context>
        <name>UsersTab</name>
        <message>
            <source>Deactivate (Ctrl+D)</source>
            <translation>停用 (Ctrl+D)</translation>
        </message>
        <message>
            <source>Name and role (Enter)</source>
            <translation>修改姓名和角色 (Enter)</translation>
        </message>
        <message>
            <source>New password (Ctrl+R)</source>
            <translation>重置密码 (Ctrl+R)</translation>
        </message>
        <message>
            <source>New password set for {name}; signed out everywhere.</source>
            <translation>已为 {name} 设置新密码，并已在所有设备上退出登录。</translation>
        </message>
        <message>
            <source>New user (Ctrl+N)</source>
            <translation>新建用户 (Ctrl+N)</translation>
        </message>
        <message>
            <source>Reactivate (Ctrl+D)</source>
            <translation>重新启用 (Ctrl+D)</translation>
        </message>
        <message>
            <source>User {name} ({role}) created.</source>
            <translation>已新建用户 {name}（{role}）。</translation>
        </message>
        <message>
            <source>{name} deactivated and signed out everywhere (Ctrl+D reactivates).</source>
            <translation>{name} 已停用，并已在所有设备上退出登录（Ctrl+D 可重新启用）。</translation>
        </message>
        <message>
            <source>{name} is now {role}, shown as {display}.</source>
            <translation>{name} 现为{role}，显示名 {display}。</translation>
        </message>
        <message>
            <source>{name} reactivated: may sign in again.</source>
            <translation>{name} 已重新启用，可以再次登录。</translation>
        </message>
        <message>
            <source>↑/↓ choose a user · Enter name and role · Ctrl+N new user · Ctrl+R new password · Ctrl+D deactivate or reactivate · F5 reload</source>
            <translation>↑/↓ 选择用户 · Enter 修改姓名和角色 · Ctrl+N 新建 · Ctrl+R 重置密码 · Ctrl+D 停用或启用 · F5 刷新</translation>
        </message>
    </context>
    <context>
        <name>TodayPanel</name>
        <message>
            <source>Revenue today</source>
            <translation>今日收入</translation>
        </message>
        <message>
            <source>Valid orders</source>
            <translation>有效订单</translation>
        </message>
        <message>
            <source>Entries / capacity</source>
            <translation>入园 / 容量</translation>
        </message>
        <message>
            <source>Refunded today</source>
            <translation>今日退款</translation>
        </message>
        <message>
            <source>Anomalies open</source>
            <translation>待处理异常</translation>
        </message>
        <message>
            <source>Refunds awaiting approval</source>
            <translation>待审批退款</translation>
        </message>
        <message>
            <source>Devices offline</source>
            <translation>离线设备</translation>
        </message>
        <message>
            <source>Revenue by channel (yuan)</source>
            <translation>各渠道收入（元）</translation>
        </message>
        <message>
            <source>Orders by hour</source>
            <translation>分时订单</translation>
        </message>
        <message>
            <source>Status of today's orders</source>
            <translation>今日订单状态</translation>
        </message>
        <message>
            <source>{n} tickets</source>
            <translation>{n} 张票</translation>
        </message>
        <message>
            <source>{p} of capacity</source>
            <translation>占容量 {p}</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>今日</translation>
        </message>
        <message>
            <source>Yesterday</source>
            <translation>昨日</translation>
        </message>
        <message>
            <source>Same day last week</source>
            <translation>上周同日</translation>
        </message>
    </context>
    <context>
        <name>KpiStrip</name>
        <message>
            <source>Today</source>
            <translation>今日</translation>
        </message>
        <message>
            <source>This week</source>
            <translation>本周</translation>
        </message>
        <message>
            <source>This month</source>
            <translation>本月</translation>
        </message>
        <message>
            <source>Custom…</source>
            <translation>自定义…</translation>
        </message>
        <message>
            <source>&amp;Period</source>
            <translation>时段(&amp;P)</translation>
        </message>
        <message>
            <source>Valid orders / day</source>
            <translation>日均有效订单</translation>
        </message>
        <message>
            <source>Revenue</source>
            <translation>收入</translation>
        </message>
        <message>
            <source>Average order</source>
            <translation>客单价</translation>
        </message>
        <message>
            <source>Refund rate</source>
            <translation>退票率</translation>
        </message>
        <message>
            <source>Repeat buyers</source>
            <translation>复购率</translation>
        </message>
        <message>
            <source>{n} in {d} days</source>
            <translation>{d} 天共 {n} 单</translation>
        </message>
    </context>
    <context>
        <name>RefundsPanel</name>
        <message>
            <source>Refund requests by hour</source>
            <translation>分时退票申请</translation>
        </message>
        <message>
            <source>Requests</source>
            <translation>申请数</translation>
        </message>
        <message>
            <source>Refunded</source>
            <translation>退款金额</translation>
        </message>
        <message>
            <source>Fees kept</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Ticket kind</source>
            <translation>票种类别</translation>
        </message>
        <message>
            <source>Tickets</source>
            <translation>票数</translation>
        </message>
        <message>
            <source>Rule</source>
            <translation>退票规则</translation>
        </message>
        <message>
            <source>Intervention</source>
            <translation>人工介入</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>{first} to {last}: {n} refund requests, {paid} paid back, {fee} in fees</source>
            <translation>{first} 至 {last}：{n} 笔退票申请，退款 {paid}，手续费 {fee}</translation>
        </message>
        <message>
            <source>Fee set by hand</source>
            <translation>手工调整手续费</translation>
        </message>
        <message>
            <source>Approval</source>
            <translation>审批</translation>
        </message>
        <message>
            <source>Force majeure</source>
            <translation>不可抗力</translation>
        </message>
        <message>
            <source>Whole payment</source>
            <translation>整笔支付退回</translation>
        </message>
    </context>
    <context>
        <name>AnomaliesPanel</name>
        <message>
            <source>Kind</source>
            <translation>异常类型</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>新增</translation>
        </message>
        <message>
            <source>Share</source>
            <translation>占比</translation>
        </message>
        <message>
            <source>Still open</source>
            <translation>未处理</translation>
        </message>
        <message>
            <source>Resolved</source>
            <translation>已解决</translation>
        </message>
        <message>
            <source>Dismissed</source>
            <translation>已忽略</translation>
        </message>
        <message>
            <source>Median minutes to resolve</source>
            <translation>处理时长中位数（分钟）</translation>
        </message>
        <message>
            <source>Came back</source>
            <translation>复发</translation>
        </message>
        <message>
            <source>Order no.</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Times</source>
            <translation>次数</translation>
        </message>
        <message>
            <source>Came back on the same order</source>
            <translation>同一订单复发</translation>
        </message>
        <message>
            <source>{first} to {last}: {opened} opened, {resolved} resolved</source>
            <translation>{first} 至 {last}：新增 {opened} 条，解决 {resolved} 条</translation>
        </message>
    </context>
    <context>
        <name>DashboardView</name>
        <message>
            <source>Today</source>
            <translation>今日看板</translation>
        </message>
        <message>
            <source>Refund analytics</source>
            <translation>退票分析</translation>
        </message>
        <message>
            <source>Anomaly analytics</source>
            <translation>异常分析</translation>
        </message>
        <message>
            <source>F5 reloads · Alt+P chooses the period · Alt+1…3 choose a tab · the numbers follow the sales live</source>
            <translation>F5 刷新 · Alt+P 选择时段 · Alt+1…3 切换页签 · 数据随销售实时更新</translation>
        </message>
        <message>
            <source>Not connected to the central store: the reports are made there. F5 tries again.</source>
            <translation>未连接中心服务器：报表由中心服务器生成。按 F5 重试。</translation>
        </message>
        <message>
            <source>Not connected to the central store: the numbers below were read at {time} and are not live. F5 tries again.</source>
            <translation>未连接中心服务器：以下数据读取于 {time}，不是实时数据。按 F5 重试。</translation>
        </message>
    </context>
    <context>
        <name>DashboardLoads</name>
        <message>
            <source>Not connected to the central store: the reports are made there.</source>
            <translation>未连接中心服务器：报表由中心服务器生成。</translation>
        </message>
    </context>
    <context>
        <name>OrderActions</name>
        <message>
            <source>The order is cancelled</source>
            <translation>订单已取消</translation>
        </message>
        <message>
            <source>The order is not paid</source>
            <translation>订单未支付</translation>
        </message>
        <message>
            <source>No valid ticket left to refund</source>
            <translation>没有可退的有效票</translation>
        </message>
        <message>
            <source>No valid ticket to reprint</source>
            <translation>没有可重打的有效票</translation>
        </message>
        <message>
            <source>A payment has started: wait for its result, or fix the order's payment anomaly</source>
            <translation>订单已开始支付：请等待支付结果，或处理该订单的支付异常</translation>
        </message>
        <message>
            <source>Only an unpaid order can be cancelled</source>
            <translation>只有待支付的订单可以取消</translation>
        </message>
        <message>
            <source>The order has no open anomaly</source>
            <translation>订单没有未处理的异常</translation>
        </message>
        <message>
            <source>Your role does not refund</source>
            <translation>你的角色不办理退票</translation>
        </message>
        <message>
            <source>Your role does not print tickets</source>
            <translation>你的角色不打印门票</translation>
        </message>
        <message>
            <source>Your role does not work the anomaly queue</source>
            <translation>你的角色不处理异常队列</translation>
        </message>
        <message>
            <source>Only a supervisor may do this</source>
            <translation>只有主管可以执行此操作</translation>
        </message>
        <message>
            <source>Needs the central store (offline now)</source>
            <translation>需要连接中心服务器（当前离线）</translation>
        </message>
    </context>
    <context>
        <name>OrderActionsBar</name>
        <message>
            <source>&amp;Refund…</source>
            <translation>退票(&amp;R)…</translation>
        </message>
        <message>
            <source>Re&amp;print tickets</source>
            <translation>重打门票(&amp;P)</translation>
        </message>
        <message>
            <source>Cancel order (&amp;X)</source>
            <translation>取消订单(&amp;X)</translation>
        </message>
        <message>
            <source>See &amp;anomaly</source>
            <translation>查看异常(&amp;A)</translation>
        </message>
        <message>
            <source>Flag anomalous (&amp;M)…</source>
            <translation>标记异常(&amp;M)…</translation>
        </message>
        <message>
            <source>Open the order from the main window</source>
            <translation>请从主窗口打开订单</translation>
        </message>
        <message>
            <source>This window has not received the anomaly yet; try again in a moment.</source>
            <translation>本窗口尚未收到这条异常，请稍后再试。</translation>
        </message>
        <message>
            <source>Tickets sent to the printer, marked reprint {n}.</source>
            <translation>门票已送打印机，标记为重打 {n}。</translation>
        </message>
        <message>
            <source>Cancel order</source>
            <translation>取消订单</translation>
        </message>
        <message>
            <source>Cancel unpaid order {no}? Its tickets become void and their stock is released.</source>
            <translation>取消未支付订单 {no}？其门票将作废，库存将释放。</translation>
        </message>
        <message>
            <source>Order {no} cancelled; its stock is released.</source>
            <translation>订单 {no} 已取消，库存已释放。</translation>
        </message>
    </context>
    <context>
        <name>FlagDialog</name>
        <message>
            <source>Flagged {n} orders</source>
            <translation>已标记 {n} 单</translation>
        </message>
        <message>
            <source>, {m} already flagged</source>
            <translation>，{m} 单已有标记</translation>
        </message>
        <message>
            <source>; not found: {nos}</source>
            <translation>；未找到：{nos}</translation>
        </message>
        <message>
            <source>Flag anomalous</source>
            <translation>标记异常</translation>
        </message>
        <message>
            <source>What is wrong (required, up to 200 characters)</source>
            <translation>异常原因（必填，最多 200 字）</translation>
        </message>
        <message>
            <source>Flag</source>
            <translation>标记</translation>
        </message>
        <message>
            <source>Orders</source>
            <translation>订单</translation>
        </message>
        <message>
            <source>&amp;Category</source>
            <translation>异常类别(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Reason</source>
            <translation>原因(&amp;R)</translation>
        </message>
        <message>
            <source> and {n} more</source>
            <translation> 等另外 {n} 单</translation>
        </message>
        <message>
            <source>{n} orders: {list}</source>
            <translation>{n} 单：{list}</translation>
        </message>
        <message>
            <source>Enter the reason first.</source>
            <translation>请先填写原因。</translation>
        </message>
        <message>
            <source>Needs the central store (offline now)</source>
            <translation>需要连接中心服务器（当前离线）</translation>
        </message>
        <message>
            <source>Select the orders to flag first.</source>
            <translation>请先选择要标记的订单。</translation>
        </message>
        <message>
            <source>Flag selected anomalous… (Ctrl+M)</source>
            <translation>批量标记异常…（Ctrl+M）</translation>
        </message>
    </context>
    <context>
        <name>OrderStatus</name>
        <message>
            <source>{status} · payment time is up</source>
            <translation>{status} · 支付时间已到</translation>
        </message>
        <message>
            <source>{status} · {n} min left to pay</source>
            <translation>{status} · 剩余支付时间 {n} 分钟</translation>
        </message>
        <message>
            <source>{status} · valid until {date}</source>
            <translation>{status} · 有效期至 {date}</translation>
        </message>
    </context>
    <context>
        <name>OrdersSource</name>
        <message>
            <source>Offline: only the orders cached on this window are shown</source>
            <translation>离线：仅显示本机缓存的订单</translation>
        </message>
        <message>
            <source>The central store did not answer ({why}): only the orders cached on this window are shown</source>
            <translation>中心库没有应答（{why}）：仅显示本机缓存的订单</translation>
        </message>
    </context>
    <context>
        <name>MultiSelectButton</name>
        <message>
            <source>{n} selected</source>
            <translation>已选 {n} 项</translation>
        </message>
    </context>
    <context>
        <name>DateRangePicker</name>
        <message>
            <source>All dates</source>
            <translation>全部日期</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>今日</translation>
        </message>
        <message>
            <source>Yesterday</source>
            <translation>昨日</translation>
        </message>
        <message>
            <source>This week</source>
            <translation>本周</translation>
        </message>
        <message>
            <source>Custom…</source>
            <translation>自定义…</translation>
        </message>
    </context>
    <context>
        <name>SavedFiltersBox</name>
        <message>
            <source>Save filter</source>
            <translation>保存筛选</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Saved filters</source>
            <translation>筛选方案</translation>
        </message>
    </context>
    <context>
        <name>OrderFilterBar</name>
        <message>
            <source>All channels</source>
            <translation>全部渠道</translation>
        </message>
        <message>
            <source>All statuses</source>
            <translation>全部状态</translation>
        </message>
        <message>
            <source>All ticket types</source>
            <translation>全部票种</translation>
        </message>
        <message>
            <source>&amp;Channel</source>
            <translation>渠道(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Status</source>
            <translation>状态(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Ticket type</source>
            <translation>票种(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Ordered on</source>
            <translation>下单日期(&amp;O)</translation>
        </message>
        <message>
            <source>Visit &amp;date</source>
            <translation>游玩日期(&amp;D)</translation>
        </message>
    </context>
    <context>
        <name>ChannelOrdersDialog</name>
        <message>
            <source>{channel} orders of {day}</source>
            <translation>{channel} 订单 · {day}</translation>
        </message>
        <message>
            <source>{n} orders · Enter or double-click opens one</source>
            <translation>共 {n} 单 · 回车或双击打开订单</translation>
        </message>
    </context>
    <context>
        <name>ChannelOrdersModel</name>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Created</source>
            <translation>下单时间</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
    </context>
    <context>
        <name>DayCloseActions</name>
        <message>
            <source>&amp;Resolve</source>
            <translation>处理(&amp;R)</translation>
        </message>
        <message>
            <source>CSV files (*.csv *.txt);;All files (*)</source>
            <translation>CSV 文件 (*.csv *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Day report of {day} sent to the printer.</source>
            <translation>{day} 的日结报表已送打印。</translation>
        </message>
        <message>
            <source>Export is not wired in yet.</source>
            <translation>导出功能待接入。</translation>
        </message>
        <message>
            <source>Import settlement</source>
            <translation>导入结算单</translation>
        </message>
        <message>
            <source>Settlement file (CSV: order_no, txn_id, amount_fen, fee_fen, date)</source>
            <translation>选择结算单（CSV：order_no, txn_id, amount_fen, fee_fen, date）</translation>
        </message>
        <message>
            <source>Whose settlement file?</source>
            <translation>这是哪家的结算单？</translation>
        </message>
        <message>
            <source>Window {t}'s shift is closed at that window: its clerk closes it, or a supervisor takes it over there (Shift → Take over), and the window syncs.</source>
            <translation>终端 {t} 的班次要在该窗口交班：由收银员交班，或主管在该窗口代交班（交接班 → 代交班），然后让窗口联网同步。</translation>
        </message>
        <message>
            <source>Z report of window {t} ({clerk}) sent to the printer again (reprint {n}).</source>
            <translation>终端 {t}（{clerk}）的 Z 报表已重新送打印（重打 {n}）。</translation>
        </message>
        <message>
            <source>{day} closed: net {net}.</source>
            <translation>{day} 已关账：净额 {net}。</translation>
        </message>
        <message>
            <source>{source}: {lines} lines, {matched} matched, {unknown} without order, {differs} amount differs, {skipped} already imported.</source>
            <translation>{source}结算单：共 {lines} 行，{matched} 笔已匹配，{unknown} 笔无此订单，{differs} 笔金额不符，{skipped} 笔此前已导入。</translation>
        </message>
    </context>
    <context>
        <name>DayCloseKinds</name>
        <message>
            <source>Alipay</source>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>Cash</source>
            <translation>现金</translation>
        </message>
        <message>
            <source>Ctrip</source>
            <translation>携程</translation>
        </message>
        <message>
            <source>Meituan</source>
            <translation>美团</translation>
        </message>
        <message>
            <source>OTA platform</source>
            <translation>OTA 平台</translation>
        </message>
        <message>
            <source>Payment</source>
            <translation>收款</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Shift closed</source>
            <translation>班次交班</translation>
        </message>
        <message>
            <source>Voucher</source>
            <translation>代金券</translation>
        </message>
        <message>
            <source>WeChat Pay</source>
            <translation>微信支付</translation>
        </message>
        <message>
            <source>Open the order</source>
            <translation>打开订单</translation>
        </message>
        <message>
            <source>Import the settlement file</source>
            <translation>导入结算单</translation>
        </message>
        <message>
            <source>Paid, not settled</source>
            <translation>支付未结算</translation>
        </message>
        <message>
            <source>OTA order not settled</source>
            <translation>OTA 未结算</translation>
        </message>
        <message>
            <source>Settlement line without order</source>
            <translation>结算单无此订单</translation>
        </message>
        <message>
            <source>Check with the provider, import again</source>
            <translation>与渠道核对后重新导入</translation>
        </message>
        <message>
            <source>Settled amount differs</source>
            <translation>结算金额不符</translation>
        </message>
        <message>
            <source>Refund still processing</source>
            <translation>退款处理中</translation>
        </message>
        <message>
            <source>Cash refund from another drawer</source>
            <translation>他窗现金退款</translation>
        </message>
        <message>
            <source>Cash outside any shift</source>
            <translation>班次外现金</translation>
        </message>
        <message>
            <source>Shift not closed</source>
            <translation>班次未交班</translation>
        </message>
        <message>
            <source>Close or take over the shift</source>
            <translation>去交班或代交班</translation>
        </message>
        <message>
            <source>Window not synced</source>
            <translation>窗口未同步</translation>
        </message>
        <message>
            <source>Have the window sync</source>
            <translation>让窗口联网同步</translation>
        </message>
        <message>
            <source>Payments and tickets disagree</source>
            <translation>收款与门票不符</translation>
        </message>
        <message>
            <source>Go to its anomaly</source>
            <translation>查看异常订单</translation>
        </message>
        <message>
            <source>Recorded after the close</source>
            <translation>日结后补录</translation>
        </message>
        <message>
            <source>Settled twice</source>
            <translation>重复结算</translation>
        </message>
        <message>
            <source>Z report differs from the store</source>
            <translation>交班报告与中心记录不符</translation>
        </message>
        <message>
            <source>Check the window's unsent or refused ops</source>
            <translation>检查该窗口未同步或被拒绝的操作</translation>
        </message>
    </context>
    <context>
        <name>DayCloseConfirm</name>
        <message>
            <source>Close {day}? The figures are kept as they are now; anything later is listed as a late entry.</source>
            <translation>确定对 {day} 关账吗？数字按现在的保存；之后再发生的收退款列为日结后补录。</translation>
        </message>
        <message>
            <source>Paid: {v}</source>
            <translation>收款：{v}</translation>
        </message>
        <message>
            <source>Refunded: {v}</source>
            <translation>退款：{v}</translation>
        </message>
        <message>
            <source>Net: {v}</source>
            <translation>净额：{v}</translation>
        </message>
        <message>
            <source>Cash expected / counted: {e} / {c}</source>
            <translation>应有 / 实点现金：{e} / {c}</translation>
        </message>
        <message>
            <source>Variance: {v}</source>
            <translation>差额：{v}</translation>
        </message>
        <message>
            <source>{n} discrepancies are still open.</source>
            <translation>还有 {n} 项差异尚未处理。</translation>
        </message>
        <message>
            <source>No discrepancy is open.</source>
            <translation>没有未处理的差异。</translation>
        </message>
        <message>
            <source>Close the day</source>
            <translation>关账</translation>
        </message>
    </context>
    <context>
        <name>DayCloseView</name>
        <message>
            <source>&amp;Close the day</source>
            <translation>关账(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Import settlement…</source>
            <translation>导入结算单(&amp;I)…</translation>
        </message>
        <message>
            <source>&amp;Print day report</source>
            <translation>打印日报(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Reprint Z report</source>
            <translation>重打 Z 报表(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Resolve</source>
            <translation>处理(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Z report…</source>
            <translation>查看 Z 报表(&amp;Z)…</translation>
        </message>
        <message>
            <source>Alt+←/→ the day before/after · F5 reloads · Alt+1…4 a tab · Enter opens the row (a channel's orders, a shift's Z report, a discrepancy's action) · Ctrl+P prints the day report</source>
            <translation>Alt+←/→ 前一天/后一天 · F5 刷新 · Alt+1…4 切换页签 · 回车打开所选行（渠道的订单、班次的 Z 报表、差异的处理） · Ctrl+P 打印日报</translation>
        </message>
        <message>
            <source>Business &amp;day</source>
            <translation>营业日(&amp;D)</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>已关账</translation>
        </message>
        <message>
            <source>Closed by {who} at {when}</source>
            <translation>已关账：{who} · {when}</translation>
        </message>
        <message>
            <source>Discrepancies ({n})</source>
            <translation>差异（{n}）</translation>
        </message>
        <message>
            <source>E&amp;xport Excel</source>
            <translation>导出 Excel(&amp;X)</translation>
        </message>
        <message>
            <source>Late entries ({n})</source>
            <translation>日结后补录（{n}）</translation>
        </message>
        <message>
            <source>Late entries: paid {p}, refunded {r}, net {n} — not in the closed figures</source>
            <translation>日结后补录：收款 {p}，退款 {r}，净额 {n} —— 不计入已关账数字</translation>
        </message>
        <message>
            <source>Methods and channels</source>
            <translation>支付方式与渠道</translation>
        </message>
        <message>
            <source>Only finance closes a day.</source>
            <translation>只有财务可以关账。</translation>
        </message>
        <message>
            <source>Open: not closed yet</source>
            <translation>未关账</translation>
        </message>
        <message>
            <source>The day after (Alt+→)</source>
            <translation>后一天（Alt+→）</translation>
        </message>
        <message>
            <source>The day before (Alt+←)</source>
            <translation>前一天（Alt+←）</translation>
        </message>
        <message>
            <source>Windows and shifts</source>
            <translation>窗口与班次</translation>
        </message>
    </context>
    <context>
        <name>DiscrepanciesModel</name>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单 / 窗口</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>What to do</source>
            <translation>处理</translation>
        </message>
        <message>
            <source>Window {t}</source>
            <translation>终端 {t}</translation>
        </message>
    </context>
    <context>
        <name>LateEntriesModel</name>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>At</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单号</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>Window</source>
            <translation>窗口</translation>
        </message>
    </context>
    <context>
        <name>MoneyModel</name>
        <message>
            <source>Channel</source>
            <translation>渠道</translation>
        </message>
        <message>
            <source>Net</source>
            <translation>净额</translation>
        </message>
        <message>
            <source>Orders</source>
            <translation>订单数</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>收款</translation>
        </message>
        <message>
            <source>Payment method</source>
            <translation>支付方式</translation>
        </message>
        <message>
            <source>Refunded</source>
            <translation>退款</translation>
        </message>
    </context>
    <context>
        <name>ShiftsModel</name>
        <message>
            <source>Cash refunds</source>
            <translation>现金退款</translation>
        </message>
        <message>
            <source>Cash sales</source>
            <translation>现金销售</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>售票员</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>交班时间</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有</translation>
        </message>
        <message>
            <source>Float</source>
            <translation>备用金</translation>
        </message>
        <message>
            <source>In / out</source>
            <translation>存取</translation>
        </message>
        <message>
            <source>Not counted</source>
            <translation>未清点</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>未交班</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>开班时间</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Window</source>
            <translation>窗口</translation>
        </message>
    </context>
    <context>
        <name>TotalsStrip</name>
        <message>
            <source>Cash counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Cash expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Net</source>
            <translation>净额</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>收款</translation>
        </message>
        <message>
            <source>Refunded</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>closed shifts only</source>
            <translation>仅已交班的班次</translation>
        </message>
    </context>
    <context>
        <name>ZReportDialog</name>
        <message>
            <source>&amp;Reprint Z report (marked 重打)</source>
            <translation>重打 Z 报表(&amp;R)</translation>
        </message>
        <message>
            <source>Cash in</source>
            <translation>存入现金</translation>
        </message>
        <message>
            <source>Cash out</source>
            <translation>取出现金</translation>
        </message>
        <message>
            <source>Cash refunds</source>
            <translation>现金退票</translation>
        </message>
        <message>
            <source>Cash sales</source>
            <translation>现金售票</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>交班</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实点现金</translation>
        </message>
        <message>
            <source>Expected</source>
            <translation>应有现金</translation>
        </message>
        <message>
            <source>Float</source>
            <translation>备用金</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>未交班</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>开班</translation>
        </message>
        <message>
            <source>Taken over by</source>
            <translation>代交班</translation>
        </message>
        <message>
            <source>The store keeps no Z report of this shift (still open): nothing to reprint.</source>
            <translation>中心没有该班次的 Z 报表（还没有交班），无法重打。</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差额</translation>
        </message>
        <message>
            <source>Z report · window {t} · {clerk}</source>
            <translation>Z 报表 · 终端 {t} · {clerk}</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
        <message>
            <source>Orders export</source>
            <translation>订单导出</translation>
        </message>
        <message>
            <source>Export orders</source>
            <translation>导出订单</translation>
        </message>
        <message>
            <source>Day close</source>
            <translation>日结对账</translation>
        </message>
        <message>
            <source>Export day close</source>
            <translation>导出日结对账</translation>
        </message>
        <message>
            <source>Offline: exports come from the central store. Connect to the network and export again.</source>
            <translation>当前离线：导出的文件来自中心库，请联网后再导出。</translation>
        </message>
        <message>
            <source>The central store is writing the file…</source>
            <translation>中心库正在生成文件…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>{kb} KB</source>
            <translation>{kb} KB</translation>
        </message>
        <message>
            <source>Received {got} of {total}</source>
            <translation>已接收 {got} / {total}</translation>
        </message>
        <message>
            <source>Received {got}</source>
            <translation>已接收 {got}</translation>
        </message>
        <message>
            <source>Exported {rows} rows to {path}</source>
            <translation>已导出 {rows} 行到 {path}</translation>
        </message>
        <message>
            <source>Open containing folder</source>
            <translation>打开所在文件夹</translation>
        </message>
        <message>
            <source>Could not reach the central store; exports come from it. {why}</source>
            <translation>无法连接中心服务器，导出的文件来自中心库。{why}</translation>
        </message>
    </context>
    <context>
        <name>OrdersExport</name>
        <message>
            <source>Export to Excel… (Ctrl+E)</source>
            <translation>导出 Excel…（Ctrl+E）</translation>
        </message>
    </context>
</TS>
