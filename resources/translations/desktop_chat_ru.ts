<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AccountForm</name>
    <message>
        <source>Folder ID</source>
        <translation>ID каталога</translation>
    </message>
    <message>
        <source>&amp;Folder ID:</source>
        <translation>&amp;ID каталога:</translation>
    </message>
    <message>
        <source>A&amp;dvanced: IAM token, OAuth, API address</source>
        <translation>Д&amp;ополнительно: IAM-токен, OAuth, адрес API</translation>
    </message>
    <message>
        <source>Advanced sign-in settings</source>
        <translation>Дополнительные настройки входа</translation>
    </message>
    <message>
        <source>API key (recommended)</source>
        <translation>API-ключ (рекомендуется)</translation>
    </message>
    <message>
        <source>IAM token (works up to 12 hours)</source>
        <translation>IAM-токен (действует до 12 часов)</translation>
    </message>
    <message>
        <source>OAuth token from Yandex ID (renewed by itself)</source>
        <translation>OAuth-токен Яндекс ID (обновляется сам)</translation>
    </message>
    <message>
        <source>Sign in with</source>
        <translation>Вход через</translation>
    </message>
    <message>
        <source>Sign in &amp;with:</source>
        <translation>&amp;Вход через:</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>Адрес API</translation>
    </message>
    <message>
        <source>API &amp;address:</source>
        <translation>&amp;Адрес API:</translation>
    </message>
    <message>
        <source>Set by an environment variable</source>
        <translation>Задан переменной окружения</translation>
    </message>
    <message>
        <source>Reading the saved key…</source>
        <translation>Читаем сохранённый ключ…</translation>
    </message>
    <message>
        <source>That was a key, not a folder ID: it is now in the key field, hidden.</source>
        <translation>Это был ключ, а не ID каталога: он перенесён в поле ключа и скрыт.</translation>
    </message>
    <message>
        <source>That was the folder ID: it is now in its own field.</source>
        <translation>Это был ID каталога: он перенесён в своё поле.</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-&amp;ключ:</translation>
    </message>
    <message>
        <source>IAM &amp;token:</source>
        <translation>IAM-&amp;токен:</translation>
    </message>
    <message>
        <source>OAuth &amp;token:</source>
        <translation>OAuth-&amp;токен:</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-ключ</translation>
    </message>
    <message>
        <source>IAM token</source>
        <translation>IAM-токен</translation>
    </message>
    <message>
        <source>OAuth token</source>
        <translation>OAuth-токен</translation>
    </message>
    <message>
        <source>AQVN… — paste the key from AI Studio</source>
        <translation>AQVN… — вставьте ключ из AI Studio</translation>
    </message>
    <message>
        <source>t1.… — an IAM token</source>
        <translation>t1.… — IAM-токен</translation>
    </message>
    <message>
        <source>y0_… — an OAuth token from Yandex ID</source>
        <translation>y0_… — OAuth-токен Яндекс ID</translation>
    </message>
    <message>
        <source>Set by the environment variable {0} for this run; it is not saved.</source>
        <translation>Задан переменной окружения {0} на этот запуск; не сохраняется.</translation>
    </message>
    <message>
        <source>The API address must start with https://.</source>
        <translation>Адрес API должен начинаться с https://.</translation>
    </message>
    <message>
        <source>The API address is not valid. The usual one is {0}</source>
        <translation>Неверный адрес API. Обычно это {0}</translation>
    </message>
</context>
<context>
    <name>AttachFlow</name>
    <message>
        <source>screenshot.png</source>
        <translation>снимок-экрана.png</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <source>Pictures and documents (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.docx *.odt *.txt *.md *.csv *.json);;All files (*)</source>
        <translation>Картинки и документы (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.docx *.odt *.txt *.md *.csv *.json);;Все файлы (*)</translation>
    </message>
    <message>
        <source>This model cannot see pictures, and no model that can is available. Remove the pictures to send the message.</source>
        <translation>Эта модель не видит картинки, а подходящей модели нет. Уберите картинки, чтобы отправить сообщение.</translation>
    </message>
    <message>
        <source>This model cannot see pictures</source>
        <translation>Эта модель не видит картинки</translation>
    </message>
    <message>
        <source>The chat's model cannot see pictures. Send this message to %1, which can? The chat keeps its own model for the next messages.</source>
        <translation>Модель этого чата не видит картинки. Отправить это сообщение модели %1, которая их понимает? Следующие сообщения чат отправит своей модели.</translation>
    </message>
    <message>
        <source>Send to %1</source>
        <translation>Отправить: %1</translation>
    </message>
    <message>
        <source>The files are too long</source>
        <translation>Файлы слишком длинные</translation>
    </message>
    <message>
        <source>The attached documents do not fit into what the model can read at once (about %1 tokens are left for them). Send the first part of each document that fits?</source>
        <translation>Прикреплённые документы не помещаются в то, что модель может прочитать за раз (для них осталось около %1 токенов). Отправить начало каждого документа, которое помещается?</translation>
    </message>
    <message>
        <source>Send the first part</source>
        <translation>Отправить начало</translation>
    </message>
    <message>
        <source>Sent the first part: %s</source>
        <translation>Отправлено начало: %s</translation>
    </message>
</context>
<context>
    <name>AttachmentBar</name>
    <message>
        <source>“%s” could not be attached.</source>
        <translation>Не удалось прикрепить «%s».</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Your chats can be read but not changed: %s</source>
        <translation>Чаты можно читать, но не изменять: %s</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Открыть настройки</translation>
    </message>
    <message>
        <source>This computer has no password storage, so Desktop Chat cannot keep your key between runs. Add it in Settings for this session; your chats can be read without it.</source>
        <translation>На этом компьютере нет хранилища паролей, поэтому Desktop Chat не может сохранить ваш ключ до следующего запуска. Добавьте его в настройках на этот сеанс — читать чаты можно и без него.</translation>
    </message>
    <message>
        <source>No API key yet: you can read, search and export your chats. To talk to YandexGPT, add a key.</source>
        <translation>API-ключ ещё не добавлен: чаты можно читать, искать и экспортировать. Чтобы общаться с YandexGPT, добавьте ключ.</translation>
    </message>
</context>
<context>
    <name>ChatDelegate</name>
    <message>
        <source>More…</source>
        <translation>Ещё…</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Предыдущий вариант</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Следующий вариант</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
</context>
<context>
    <name>ChatHeader</name>
    <message>
        <source>Think longer</source>
        <translation>Думать дольше</translation>
    </message>
    <message>
        <source>The model reasons before answering: better on hard questions, slower, and the thinking is paid as part of the reply</source>
        <translation>Модель рассуждает перед ответом: лучше справляется со сложными вопросами, но медленнее, и размышления оплачиваются как часть ответа</translation>
    </message>
    <message>
        <source>Economy</source>
        <translation>Экономно</translation>
    </message>
    <message>
        <source>Replies come whole after a while instead of word by word, at about half the price. They arrive even if you close the app.</source>
        <translation>Ответ приходит целиком через некоторое время, а не по словам, и стоит примерно вдвое дешевле. Он придёт, даже если закрыть программу.</translation>
    </message>
    <message>
        <source>The model that answers in this chat (%s)</source>
        <translation>Модель, которая отвечает в этом чате (%s)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>This chat's settings: system prompt, model (Ctrl+Shift+S)</source>
        <translation>Настройки этого чата: системная инструкция, модель (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>Chat settings</source>
        <translation>Настройки чата</translation>
    </message>
    <message>
        <source>Chat: %s</source>
        <translation>Чат: %s</translation>
    </message>
    <message>
        <source>What this chat's replies cost, at the prices of %s</source>
        <translation>Сколько стоили ответы в этом чате, по ценам на %s</translation>
    </message>
</context>
<context>
    <name>ChatOps</name>
    <message>
        <source>Rename chat</source>
        <translation>Переименовать чат</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Название:</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Chat “%s” deleted.</source>
        <translation>Чат «%s» удалён.</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>Веб-страница (*.html)</translation>
    </message>
    <message>
        <source>Desktop Chat JSON (*.json)</source>
        <translation>JSON-файл Desktop Chat (*.json)</translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation>Экспорт чата</translation>
    </message>
    <message>
        <source>Exported to %s</source>
        <translation>Чат экспортирован: %s</translation>
    </message>
    <message>
        <source>Import chat</source>
        <translation>Импорт чата</translation>
    </message>
    <message>
        <source>Chat imported.</source>
        <translation>Чат импортирован.</translation>
    </message>
    <message>
        <source>This file could not be imported: %s</source>
        <translation>Не удалось импортировать файл: %s</translation>
    </message>
</context>
<context>
    <name>ChatSettingsDialog</name>
    <message>
        <source>Chat settings</source>
        <translation>Настройки чата</translation>
    </message>
    <message>
        <source>For example: You are a helpful assistant. Answer briefly.</source>
        <translation>Например: Ты — внимательный помощник. Отвечай коротко.</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Системная инструкция</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>App default (%s)</source>
        <translation>По умолчанию (%s)</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Температура</translation>
    </message>
    <message>
        <source>Lower is more focused, higher is more varied.</source>
        <translation>Чем ниже, тем точнее ответы; чем выше — тем разнообразнее.</translation>
    </message>
    <message>
        <source>Longest reply, in tokens</source>
        <translation>Максимальная длина ответа в токенах</translation>
    </message>
    <message>
        <source>Search the web by default in this chat</source>
        <translation>Искать в интернете по умолчанию в этом чате</translation>
    </message>
    <message>
        <source>a little</source>
        <translation>немного</translation>
    </message>
    <message>
        <source>a fair amount</source>
        <translation>умеренно</translation>
    </message>
    <message>
        <source>a lot</source>
        <translation>много</translation>
    </message>
    <message>
        <source>Any site; or up to five, e.g.: ria.ru, wikipedia.org</source>
        <translation>Любые сайты; или до пяти, например: ria.ru, wikipedia.org</translation>
    </message>
    <message>
        <source>Yandex region code, e.g. 213 for Moscow (optional)</source>
        <translation>Код региона Яндекса, например 213 — Москва (необязательно)</translation>
    </message>
    <message>
        <source>System prompt:</source>
        <translation>Системная инструкция:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Модель:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Температура:</translation>
    </message>
    <message>
        <source>Longest reply (tokens):</source>
        <translation>Длина ответа (токенов):</translation>
    </message>
    <message>
        <source>How much to read on the web:</source>
        <translation>Сколько читать в интернете:</translation>
    </message>
    <message>
        <source>Only these sites:</source>
        <translation>Только эти сайты:</translation>
    </message>
    <message>
        <source>Region:</source>
        <translation>Регион:</translation>
    </message>
</context>
<context>
    <name>ChatSidebar</name>
    <message>
        <source>Search all chats (Ctrl+K)</source>
        <translation>Поиск по всем чатам (Ctrl+K)</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Поиск по всем чатам</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Start a new chat (Ctrl+N)</source>
        <translation>Начать новый чат (Ctrl+N)</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>Чаты</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Результаты поиска</translation>
    </message>
    <message>
        <source>Matching messages in this chat: %n</source>
        <translation>Подходящих сообщений в этом чате: %n</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Закреплён</translation>
    </message>
    <message>
        <source>Writing a reply…</source>
        <translation>Пишет ответ…</translation>
    </message>
    <message>
        <source>read only</source>
        <translation>только для чтения</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Черновик</translation>
    </message>
    <message>
        <source>en_US</source>
        <comment>the locale of times and weekdays in the chat list</comment>
        <translation>ru_RU</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>На этой неделе</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>Раньше</translation>
    </message>
    <message>
        <source>Nothing found for “%s”.</source>
        <translation>По запросу «%s» ничего не найдено.</translation>
    </message>
    <message>
        <source>The search index is still being built (%1 %): older messages may be missing from the results.</source>
        <translation>Поисковый индекс ещё строится (%1 %): старых сообщений может не быть в результатах.</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Checking the connection</source>
        <translation>Проверяем подключение</translation>
    </message>
    <message>
        <source>Desktop Chat asks AI Studio to count the tokens of one word. It is free.</source>
        <translation>Desktop Chat просит AI Studio посчитать токены одного слова. Это бесплатно.</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Повторить</translation>
    </message>
    <message>
        <source>Try the connection again</source>
        <translation>Проверить подключение ещё раз</translation>
    </message>
    <message>
        <source>The model in your settings is not valid. Finish here and choose a model in Settings.</source>
        <translation>В настройках указана неверная модель. Завершите здесь и выберите модель в настройках.</translation>
    </message>
    <message>
        <source>Checking… This usually takes a second or two.</source>
        <translation>Проверяем… Обычно это занимает секунду-другую.</translation>
    </message>
    <message>
        <source>It works! AI Studio answered with your key.</source>
        <translation>Всё работает! AI Studio ответила на запрос с вашим ключом.</translation>
    </message>
    <message>
        <source>You can finish anyway: the key is saved, and Desktop Chat will try again when you send a message.</source>
        <translation>Можно всё равно завершить настройку: ключ сохранится, а Desktop Chat попробует снова, когда вы отправите сообщение.</translation>
    </message>
    <message>
        <source>Go back to correct the folder ID or the key.</source>
        <translation>Вернитесь назад и исправьте ID каталога или ключ.</translation>
    </message>
</context>
<context>
    <name>Chip</name>
    <message>
        <source>Remove this file from the message</source>
        <translation>Убрать файл из сообщения</translation>
    </message>
    <message>
        <source>Remove %s</source>
        <translation>Убрать %s</translation>
    </message>
    <message>
        <source>≈%s tokens</source>
        <translation>≈%s токенов</translation>
    </message>
</context>
<context>
    <name>CodeViewer</name>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Wrap long lines</source>
        <translation>Переносить длинные строки</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Write a message… (Enter sends, Shift+Enter starts a new line)</source>
        <translation>Напишите сообщение… (Enter — отправить, Shift+Enter — новая строка)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>Отменить редактирование</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>Файл…</translation>
    </message>
    <message>
        <source>Attach pictures or documents (Ctrl+Shift+A). You can also drop files here or paste a screenshot with Ctrl+V.</source>
        <translation>Прикрепить картинки или документы (Ctrl+Shift+A). Можно также перетащить файлы сюда или вставить снимок экрана через Ctrl+V.</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>Интернет</translation>
    </message>
    <message>
        <source>Let the model search the web for this message; the answer lists its sources (each search costs a little extra)</source>
        <translation>Разрешить модели искать в интернете для этого сообщения; в ответе будут источники (каждый поиск стоит немного дополнительно)</translation>
    </message>
    <message>
        <source>Search the web</source>
        <translation>Искать в интернете</translation>
    </message>
    <message>
        <source>Draw…</source>
        <translation>Нарисовать…</translation>
    </message>
    <message>
        <source>Draw a picture with YandexART (or start a message with /draw)</source>
        <translation>Нарисовать картинку с YandexART (или начните сообщение с /draw)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>Остановить ответ (Esc)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Отправить сообщение (Enter)</translation>
    </message>
</context>
<context>
    <name>ConnectionCheck</name>
    <message>
        <source>The key and the folder work, but this model is not offered in your folder. Choose another model.</source>
        <translation>Ключ и каталог работают, но эта модель в вашем каталоге недоступна. Выберите другую модель.</translation>
    </message>
    <message>
        <source>Yandex ID did not accept the OAuth token. Get a new one.</source>
        <translation>Яндекс ID не принял OAuth-токен. Получите новый.</translation>
    </message>
    <message>
        <source>The IAM token has expired. Paste a new one.</source>
        <translation>Срок IAM-токена истёк. Вставьте новый.</translation>
    </message>
    <message>
        <source>Could not reach the Yandex Cloud IAM service. Check your internet connection.</source>
        <translation>Не удалось связаться со службой IAM Yandex Cloud. Проверьте подключение к интернету.</translation>
    </message>
    <message>
        <source>The Yandex Cloud IAM service did not give a token. Try again in a minute.</source>
        <translation>Служба IAM Yandex Cloud не выдала токен. Попробуйте через минуту.</translation>
    </message>
    <message>
        <source>The API address is not valid. It must start with https:// (plain http:// only for this computer).</source>
        <translation>Неверный адрес API. Он должен начинаться с https:// (простой http:// — только для этого компьютера).</translation>
    </message>
    <message>
        <source>The check failed unexpectedly ({0}). Try again.</source>
        <translation>Проверка неожиданно не удалась ({0}). Попробуйте ещё раз.</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <source>Context: %1 of %2 tokens (%3%)</source>
        <translation>Контекст: %1 из %2 токенов (%3%)</translation>
    </message>
    <message numerus="yes">
        <source>%n earliest message(s) will not be sent</source>
        <translation>
            <numerusform>%n старое сообщение не будет отправлено</numerusform>
            <numerusform>%n старых сообщения не будут отправлены</numerusform>
            <numerusform>%n старых сообщений не будут отправлены</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPage</name>
    <message>
        <source>Paste your API key and folder ID</source>
        <translation>Вставьте API-ключ и ID каталога</translation>
    </message>
    <message>
        <source>Copy them from AI Studio and paste them here.</source>
        <translation>Скопируйте их в AI Studio и вставьте сюда.</translation>
    </message>
</context>
<context>
    <name>DrawDialog</name>
    <message>
        <source>Draw a picture</source>
        <translation>Нарисовать картинку</translation>
    </message>
    <message>
        <source>What to draw, e.g.: a red fox in a snowy birch forest, watercolour</source>
        <translation>Что нарисовать, например: рыжая лиса в заснеженном берёзовом лесу, акварель</translation>
    </message>
    <message>
        <source>What to draw</source>
        <translation>Что нарисовать</translation>
    </message>
    <message>
        <source>Square 1:1</source>
        <translation>Квадрат 1:1</translation>
    </message>
    <message>
        <source>Wide 16:9</source>
        <translation>Широкая 16:9</translation>
    </message>
    <message>
        <source>Tall 9:16</source>
        <translation>Высокая 9:16</translation>
    </message>
    <message>
        <source>Landscape 4:3</source>
        <translation>Альбомная 4:3</translation>
    </message>
    <message>
        <source>Portrait 3:4</source>
        <translation>Книжная 3:4</translation>
    </message>
    <message>
        <source>any</source>
        <translation>любое</translation>
    </message>
    <message>
        <source>The same prompt with the same seed draws the same picture; 'any' picks one</source>
        <translation>Тот же запрос с тем же зерном рисует ту же картинку; «любое» выбирает случайное</translation>
    </message>
    <message>
        <source>Optional: what should not be in the picture</source>
        <translation>Необязательно: чего не должно быть на картинке</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>Картинка</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Форма</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Зерно</translation>
    </message>
    <message>
        <source>Avoid</source>
        <translation>Без этого</translation>
    </message>
    <message>
        <source>One picture costs about %s.</source>
        <translation>Одна картинка стоит около %s.</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>Нарисовать</translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation>%1 из %2 символов</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in this chat (Enter: next)</source>
        <translation>Найти в этом чате (Enter — следующее)</translation>
    </message>
    <message>
        <source>Find in this chat</source>
        <translation>Найти в этом чате</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Не найдено</translation>
    </message>
    <message>
        <source>message %1 of %2</source>
        <translation>сообщение %1 из %2</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Desktop Chat</source>
        <translation>Добро пожаловать в Desktop Chat</translation>
    </message>
    <message>
        <source>Skip — just browse my chats offline</source>
        <translation>Пропустить — просто смотреть мои чаты офлайн</translation>
    </message>
    <message>
        <source>Start chatting</source>
        <translation>Начать общение</translation>
    </message>
    <message>
        <source>Skip the setup and browse saved chats offline</source>
        <translation>Пропустить настройку и смотреть сохранённые чаты офлайн</translation>
    </message>
    <message>
        <source>These settings cannot be saved. Go back and check the folder ID and the API address.</source>
        <translation>Эти настройки нельзя сохранить. Вернитесь и проверьте ID каталога и адрес API.</translation>
    </message>
</context>
<context>
    <name>IntroPage</name>
    <message>
        <source>Connect Desktop Chat to Yandex AI Studio</source>
        <translation>Подключите Desktop Chat к Yandex AI Studio</translation>
    </message>
    <message>
        <source>You need two things from AI Studio: an API key and a folder ID.</source>
        <translation>Из AI Studio нужны две вещи: API-ключ и ID каталога.</translation>
    </message>
    <message>
        <source>Open &lt;a href='{0}'&gt;AI Studio&lt;/a&gt; and sign in with your Yandex ID. The first time, it asks for a name and a bank card (a billing account): the models answer only with one.</source>
        <translation>Откройте &lt;a href='{0}'&gt;AI Studio&lt;/a&gt; и войдите с Яндекс ID. В первый раз там попросят название и банковскую карту (платёжный аккаунт): без него модели не отвечают.</translation>
    </message>
    <message>
        <source>Press &lt;b&gt;Create API key&lt;/b&gt; and copy the key. It starts with &lt;tt&gt;AQVN&lt;/tt&gt; and is shown only once.</source>
        <translation>Нажмите &lt;b&gt;Создать API-ключ&lt;/b&gt; и скопируйте ключ. Он начинается с &lt;tt&gt;AQVN&lt;/tt&gt; и показывается только один раз.</translation>
    </message>
    <message>
        <source>Copy the &lt;b&gt;folder ID&lt;/b&gt; shown next to the folder's name at the top (the folder is usually called &lt;i&gt;default&lt;/i&gt;): 20 letters and digits starting with &lt;tt&gt;b1g&lt;/tt&gt;. (&lt;a href='{0}'&gt;Help with pictures&lt;/a&gt;)</source>
        <translation>Скопируйте &lt;b&gt;ID каталога&lt;/b&gt; — он показан рядом с названием каталога вверху (обычно каталог называется &lt;i&gt;default&lt;/i&gt;): 20 латинских букв и цифр, начинается с &lt;tt&gt;b1g&lt;/tt&gt;. (&lt;a href='{0}'&gt;Справка с картинками&lt;/a&gt;)</translation>
    </message>
    <message>
        <source>Your chats stay on this computer. The key is kept in your system's password storage, never in a file.</source>
        <translation>Ваши чаты остаются на этом компьютере. Ключ хранится в системном хранилище паролей и никогда — в файле.</translation>
    </message>
    <message>
        <source>Your chats stay on this computer. This computer has no password storage, so the key is kept only until you close the app.</source>
        <translation>Ваши чаты остаются на этом компьютере. На нём нет хранилища паролей, поэтому ключ хранится только до закрытия приложения.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Desktop Chat</source>
        <translation>Desktop Chat</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Сообщения</translation>
    </message>
    <message>
        <source>Ask YandexGPT anything: type below and press Enter.

Your chats are kept on this computer and can be read offline.</source>
        <translation>Спросите YandexGPT о чём угодно: напишите вопрос внизу и нажмите Enter.

Ваши чаты хранятся на этом компьютере, их можно читать и без интернета.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>The attached files are still being read; send again in a moment.</source>
        <translation>Прикреплённые файлы ещё читаются; отправьте через мгновение.</translation>
    </message>
    <message>
        <source>This chat could not be opened: %s</source>
        <translation>Не удалось открыть чат: %s</translation>
    </message>
    <message>
        <source>This chat was saved by a newer version of Desktop Chat and is read-only.</source>
        <translation>Этот чат сохранён более новой версией Desktop Chat, его можно только читать.</translation>
    </message>
    <message>
        <source>To get a reply, add your API key in Settings.</source>
        <translation>Чтобы получить ответ, добавьте API-ключ в настройках.</translation>
    </message>
    <message>
        <source>The settings could not be saved: %s</source>
        <translation>Не удалось сохранить настройки: %s</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Copy as Markdown</source>
        <translation>Копировать как Markdown</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>No reply yet.</source>
        <translation>Ответа пока нет.</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Отправить ещё раз</translation>
    </message>
    <message>
        <source>The reply was cut off: it reached the length limit (max tokens). You can raise the limit in the chat's settings.</source>
        <translation>Ответ оборвался: он достиг предельной длины (лимита токенов). Лимит можно увеличить в настройках чата.</translation>
    </message>
    <message>
        <source>The model declined to answer this (content filter). This question and answer are not sent to the model again; edit the question to ask it differently.</source>
        <translation>Модель отказалась отвечать на это (фильтр содержания). Этот вопрос и ответ больше не отправляются модели; чтобы спросить иначе, измените вопрос.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Остановлено.</translation>
    </message>
    <message>
        <source>Tokens: %1 in, %2 out</source>
        <translation>Токены: %1 в запросе, %2 в ответе</translation>
    </message>
    <message>
        <source>(%1 of them thinking)</source>
        <translation>(из них на размышления: %1)</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Открыть настройки</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Сгенерировать заново</translation>
    </message>
    <message>
        <source>Copy details for support</source>
        <translation>Скопировать сведения для поддержки</translation>
    </message>
    <message>
        <source>Open “%s”</source>
        <translation>Открыть «%s»</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Answered with a web search.</source>
        <translation>Ответ с поиском в интернете.</translation>
    </message>
    <message>
        <source>The web was allowed; the model answered without searching.</source>
        <translation>Поиск в интернете был разрешён, но модель ответила без него.</translation>
    </message>
    <message>
        <source>Drawn by YandexART · seed %s</source>
        <translation>Нарисовано YandexART · зерно %s</translation>
    </message>
    <message>
        <source>Save picture…</source>
        <translation>Сохранить картинку…</translation>
    </message>
    <message>
        <source>Copy picture</source>
        <translation>Копировать картинку</translation>
    </message>
    <message>
        <source>Draw again with this seed</source>
        <translation>Нарисовать снова с этим зерном</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Предыдущий вариант</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Следующий вариант</translation>
    </message>
    <message>
        <source>Copy selected text</source>
        <translation>Копировать выделенное</translation>
    </message>
    <message>
        <source>Select all text</source>
        <translation>Выделить весь текст</translation>
    </message>
    <message>
        <source>Copy code block %1</source>
        <translation>Копировать блок кода %1</translation>
    </message>
    <message>
        <source>Show code block %1 without wrapping</source>
        <translation>Показать блок кода %1 без переноса строк</translation>
    </message>
    <message>
        <source>Code copied.</source>
        <translation>Код скопирован.</translation>
    </message>
    <message>
        <source>Message copied as Markdown.</source>
        <translation>Сообщение скопировано в формате Markdown.</translation>
    </message>
    <message>
        <source>Details copied: paste them into your message to Yandex Cloud support.</source>
        <translation>Сведения скопированы: вставьте их в обращение в поддержку Yandex Cloud.</translation>
    </message>
    <message>
        <source>The key was not accepted: it may have expired or been revoked. Paste a valid API key or IAM token and press Save.</source>
        <translation>Ключ не принят: возможно, срок его действия истёк или его отозвали. Вставьте действующий API-ключ или IAM-токен и нажмите «Сохранить».</translation>
    </message>
</context>
<context>
    <name>ModelChoices</name>
    <message>
        <source>Remembers about %s tokens of the conversation</source>
        <translation>Помнит около %s токенов разговора</translation>
    </message>
    <message>
        <source>Can see pictures</source>
        <translation>Понимает картинки</translation>
    </message>
    <message>
        <source>Can think longer before answering</source>
        <translation>Умеет дольше думать перед ответом</translation>
    </message>
    <message>
        <source>Price per 1,000 tokens: %1 in, %2 out (prices of %3)</source>
        <translation>Цена за 1000 токенов: %1 на входе, %2 на выходе (цены на %3)</translation>
    </message>
</context>
<context>
    <name>NewestButton</name>
    <message>
        <source>To the newest message (Ctrl+End)</source>
        <translation>К последнему сообщению (Ctrl+End)</translation>
    </message>
    <message>
        <source>To the newest message</source>
        <translation>К последнему сообщению</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Something went wrong inside the app: %s</source>
        <translation>В программе что-то пошло не так: %s</translation>
    </message>
    <message>
        <source>The conversation is too long for the model. Delete earlier messages you no longer need (Delete under a message), start a new chat, shorten the message or its files, or choose a model with a larger memory.</source>
        <translation>Диалог слишком длинный для модели. Удалите ненужные ранние сообщения («Удалить» под сообщением), начните новый чат, сократите сообщение или его файлы или выберите модель с большей памятью.</translation>
    </message>
    <message>
        <source>The reply failed. Retry in a moment.</source>
        <translation>Не удалось получить ответ. Повторите чуть позже.</translation>
    </message>
    <message>
        <source>Could not save to disk: %s. Free some disk space and try again.</source>
        <translation>Не удалось сохранить на диск: %s. Освободите место на диске и попробуйте ещё раз.</translation>
    </message>
    <message>
        <source>Could not save: %s</source>
        <translation>Не удалось сохранить: %s</translation>
    </message>
    <message>
        <source>Your text is still in the box.</source>
        <translation>Ваш текст остался в поле ввода.</translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation>Открыть настройки</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>To send messages, add your Yandex Cloud API key and folder ID in Settings. Your message is kept in the box.</source>
        <translation>Чтобы отправлять сообщения, добавьте в настройках API-ключ и ID каталога Yandex Cloud. Ваше сообщение осталось в поле ввода.</translation>
    </message>
    <message>
        <source>This chat's model “%s” is unknown. Choose another one in the chat's settings.</source>
        <translation>Модель этого чата «%s» неизвестна. Выберите другую в настройках чата.</translation>
    </message>
    <message>
        <source>%s replies are being written at once already. Wait for one of them to finish; your message is kept in the box.</source>
        <translation>Уже пишется %s ответов одновременно. Дождитесь, пока один из них закончится; сообщение осталось в поле ввода.</translation>
    </message>
    <message>
        <source>A picture's description may be at most %s characters. Shorten it and draw again.</source>
        <translation>Описание картинки — не больше %s символов. Сократите его и нарисуйте снова.</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) above this line are not sent to the model: the conversation is longer than its context window.</source>
        <translation>
            <numerusform>%n сообщение выше этой черты не отправляется модели: переписка не помещается в её контекстное окно.</numerusform>
            <numerusform>%n сообщения выше этой черты не отправляются модели: переписка не помещается в её контекстное окно.</numerusform>
            <numerusform>%n сообщений выше этой черты не отправляются модели: переписка не помещается в её контекстное окно.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NumberInput</name>
    <message>
        <source>“{0}” is not a number, so {1} is kept.</source>
        <translation>«{0}» — не число, поэтому оставлено {1}.</translation>
    </message>
    <message>
        <source>{0} is below the lowest value, so {1} is used.</source>
        <translation>{0} меньше наименьшего значения, поэтому взято {1}.</translation>
    </message>
    <message>
        <source>{0} is above the highest value, so {1} is used.</source>
        <translation>{0} больше наибольшего значения, поэтому взято {1}.</translation>
    </message>
    <message>
        <source>{0} has more decimals than are used, so {1} is used.</source>
        <translation>В числе {0} больше знаков после запятой, чем нужно, поэтому взято {1}.</translation>
    </message>
</context>
<context>
    <name>ReplyPresenter</name>
    <message>
        <source>Waiting for the reply (economy mode: slower, about half the price)…</source>
        <translation>Ждём ответ (экономный режим: медленнее, примерно вдвое дешевле)…</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>Пишет…</translation>
    </message>
    <message numerus="yes">
        <source>Retrying in %n s…</source>
        <translation>
            <numerusform>Повтор через %n с…</numerusform>
            <numerusform>Повтор через %n с…</numerusform>
            <numerusform>Повтор через %n с…</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Остановить</translation>
    </message>
    <message>
        <source>This chat's model “%s” is unknown. Choose another one in the chat's settings.</source>
        <translation>Модель этого чата «%s» неизвестна. Выберите другую в настройках чата.</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <source>Hide</source>
        <translation>Скрыть</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Hide the key</source>
        <translation>Скрыть ключ</translation>
    </message>
    <message>
        <source>Show the key</source>
        <translation>Показать ключ</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Check connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Custom model URI…</source>
        <translation>Своя модель (URI)…</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>Моде&amp;ль:</translation>
    </message>
    <message>
        <source>Custom model URI</source>
        <translation>URI своей модели</translation>
    </message>
    <message>
        <source>Model &amp;URI:</source>
        <translation>&amp;URI модели:</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Температура</translation>
    </message>
    <message>
        <source>Lower values give more focused answers, higher values more varied ones.</source>
        <translation>Чем ниже значение, тем точнее и предсказуемее ответы; чем выше — тем разнообразнее.</translation>
    </message>
    <message>
        <source>Maximum reply length in tokens</source>
        <translation>Максимальная длина ответа в токенах</translation>
    </message>
    <message>
        <source>Max reply &amp;length (tokens):</source>
        <translation>&amp;Длина ответа (токенов):</translation>
    </message>
    <message>
        <source>Tem&amp;perature:</source>
        <translation>Темпе&amp;ратура:</translation>
    </message>
    <message>
        <source>Yandex AI Studio account</source>
        <translation>Аккаунт Yandex AI Studio</translation>
    </message>
    <message>
        <source>Check c&amp;onnection</source>
        <translation>&amp;Проверить подключение</translation>
    </message>
    <message>
        <source>Let &amp;Yandex log my requests</source>
        <translation>Разрешить Яндексу сохранять мои &amp;запросы</translation>
    </message>
    <message>
        <source>Let Yandex log my requests</source>
        <translation>Разрешить Яндексу сохранять мои запросы</translation>
    </message>
    <message>
        <source>Yandex may keep the requests and use them to improve its models. Off unless you turn it on.</source>
        <translation>Яндекс сможет хранить запросы и использовать их для улучшения своих моделей. Выключено, пока вы сами не включите.</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>La&amp;nguage:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>T&amp;heme:</source>
        <translation>Т&amp;ема:</translation>
    </message>
    <message>
        <source>Enter the folder ID first.</source>
        <translation>Сначала введите ID каталога.</translation>
    </message>
    <message>
        <source>Choose a model, or enter a model URI that starts with gpt:// or ds://.</source>
        <translation>Выберите модель или введите URI модели, начинающийся с gpt:// или ds://.</translation>
    </message>
    <message>
        <source>Checking the connection…</source>
        <translation>Проверяем подключение…</translation>
    </message>
    <message>
        <source>Enter a model URI that starts with gpt:// or ds://.</source>
        <translation>Введите URI модели, начинающийся с gpt:// или ds://.</translation>
    </message>
    <message>
        <source>Paste the API key first.</source>
        <translation>Сначала вставьте API-ключ.</translation>
    </message>
    <message>
        <source>Connected. The key, the folder and the model work.</source>
        <translation>Подключено. Ключ, каталог и модель работают.</translation>
    </message>
    <message>
        <source>Could not connect to Yandex Cloud. Check your internet connection and the API address under “Advanced”, then try again.</source>
        <translation>Не удалось подключиться к Yandex Cloud. Проверьте подключение к интернету и адрес API в разделе «Дополнительно», затем попробуйте снова.</translation>
    </message>
    <message>
        <source>Yandex Cloud rejected the request. Check the folder ID and the model, then try again.</source>
        <translation>Yandex Cloud отклонил запрос. Проверьте ID каталога и модель, затем попробуйте снова.</translation>
    </message>
    <message>
        <source>Some values are not valid; please check them.</source>
        <translation>Некоторые значения заданы неверно; проверьте их, пожалуйста.</translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>The key is kept in your system's password storage.</source>
        <translation>Ключ хранится в системном хранилище паролей.</translation>
    </message>
    <message>
        <source>Your system has no password storage; the key will be kept until you close the app.</source>
        <translation>В вашей системе нет хранилища паролей; ключ будет храниться, пока вы не закроете программу.</translation>
    </message>
    <message>
        <source>Your system's password storage is locked; the key will be kept until you close the app.</source>
        <translation>Системное хранилище паролей заблокировано; ключ будет храниться, пока вы не закроете программу.</translation>
    </message>
    <message>
        <source>Your system's password storage is not responding; the key will be kept until you close the app.</source>
        <translation>Системное хранилище паролей не отвечает; ключ будет храниться, пока вы не закроете программу.</translation>
    </message>
    <message>
        <source>This looks like an API key.</source>
        <translation>Похоже на API-ключ.</translation>
    </message>
    <message>
        <source>This looks like an IAM token. It stops working after 12 hours at most; an API key does not.</source>
        <translation>Это похоже на IAM-токен. Он перестаёт работать не позже чем через 12 часов, а API-ключ — нет.</translation>
    </message>
    <message>
        <source>This looks like an OAuth token from Yandex ID. Desktop Chat will get IAM tokens with it and renew them by itself.</source>
        <translation>Это похоже на OAuth-токен Яндекс ID. Desktop Chat будет получать по нему IAM-токены и сам их обновлять.</translation>
    </message>
    <message>
        <source>This looks like a static access key (for Object Storage), not an API key. Create an API key in AI Studio instead.</source>
        <translation>Это похоже на статический ключ доступа (для Object Storage), а не на API-ключ. Создайте API-ключ в AI Studio.</translation>
    </message>
    <message>
        <source>This does not look like an API key (they start with AQVN). You can still try it.</source>
        <translation>Это не похоже на API-ключ (они начинаются с AQVN). Всё равно можно попробовать.</translation>
    </message>
    <message>
        <source>This folder ID cannot be used. Copy it again from AI Studio.</source>
        <translation>Этот ID каталога не подходит. Скопируйте его ещё раз в AI Studio.</translation>
    </message>
    <message>
        <source>The key was not accepted. Check that you copied the whole key. An API key made in AI Studio with “Create API key” works; an IAM token works for 12 hours at most.</source>
        <translation>Ключ не принят. Проверьте, что скопировали его целиком. Подходит API-ключ, созданный в AI Studio кнопкой «Создать API-ключ»; IAM-токен действует не больше 12 часов.</translation>
    </message>
    <message>
        <source>The key works, but it has no access to this folder. Check the folder ID, that the key was made in the same folder, and that a billing account is linked to the cloud.</source>
        <translation>Ключ работает, но у него нет доступа к этому каталогу. Проверьте ID каталога, что ключ создан в этом же каталоге и что к облаку привязан платёжный аккаунт.</translation>
    </message>
    <message>
        <source>Yandex ID did not accept the OAuth token: it was revoked, has expired or was not copied completely. Get a new one.</source>
        <translation>Яндекс ID не принял OAuth-токен: он отозван, истёк или скопирован не целиком. Получите новый.</translation>
    </message>
    <message>
        <source>The IAM token has expired. Paste a new one, or use an API key, which does not expire.</source>
        <translation>Срок IAM-токена истёк. Вставьте новый или используйте API-ключ — он не истекает.</translation>
    </message>
    <message>
        <source>This IAM token has expired. Paste a new one.</source>
        <translation>Срок этого IAM-токена истёк. Вставьте новый.</translation>
    </message>
    <message>
        <source>This IAM token stops working at {0}, in less than an hour.</source>
        <translation>Этот IAM-токен перестанет работать в {0}, меньше чем через час.</translation>
    </message>
    <message>
        <source>This IAM token works until {0} at the latest.</source>
        <translation>Этот IAM-токен действует самое позднее до {0}.</translation>
    </message>
    <message>
        <source>This looks shorter or longer than a key should be. Was it copied completely?</source>
        <translation>Ключ короче или длиннее, чем обычно. Он скопирован целиком?</translation>
    </message>
    <message>
        <source>The folder ID cannot contain spaces.</source>
        <translation>В ID каталога не может быть пробелов.</translation>
    </message>
    <message>
        <source>A folder ID is 20 lowercase letters and digits, usually starting with b1g. You can still try this one.</source>
        <translation>ID каталога — это 20 строчных латинских букв и цифр, обычно начинается с b1g. Но попробовать можно.</translation>
    </message>
    <message>
        <source>Yandex ID no longer accepts your OAuth token. Paste a new one, or an API key, in Settings.</source>
        <translation>Яндекс ID больше не принимает ваш OAuth-токен. Вставьте новый или API-ключ в настройках.</translation>
    </message>
    <message>
        <source>Your IAM token has expired. Paste a new one, or an API key, in Settings.</source>
        <translation>Срок вашего IAM-токена истёк. Вставьте новый или API-ключ в настройках.</translation>
    </message>
    <message>
        <source>Could not renew the IAM token; trying again in a minute.</source>
        <translation>Не удалось обновить IAM-токен; повторим через минуту.</translation>
    </message>
    <message>
        <source>Your IAM token stops working at {0}. Paste a new one in Settings, or use an API key, which does not expire.</source>
        <translation>Ваш IAM-токен перестанет работать в {0}. Вставьте новый в настройках или используйте API-ключ — он не истекает.</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>%n chat file(s) could not be read and were moved aside, so the other chats open normally. They are kept in: %1</source>
        <translation>Не удалось прочитать файлы чатов (%n). Чтобы остальные чаты открывались как обычно, эти файлы перенесены в папку: %1</translation>
    </message>
    <message>
        <source>%n chat(s) were saved by a newer version of Desktop Chat. You can read them, but changes need the newer version.</source>
        <translation>Чаты, сохранённые более новой версией Desktop Chat, можно только читать (таких чатов: %n). Чтобы их изменять, обновите Desktop Chat.</translation>
    </message>
    <message>
        <source>Settings: %s</source>
        <translation>Настройки: %s</translation>
    </message>
    <message>
        <source>Desktop Chat</source>
        <translation>Desktop Chat</translation>
    </message>
</context>
<context>
    <name>ToolsFlow</name>
    <message>
        <source>The file “%s” is no longer in the data folder.</source>
        <translation>Файла «%s» больше нет в папке с данными.</translation>
    </message>
    <message>
        <source>Save file</source>
        <translation>Сохранить файл</translation>
    </message>
    <message>
        <source>Saved to %s</source>
        <translation>Сохранено в %s</translation>
    </message>
    <message>
        <source>Picture copied.</source>
        <translation>Картинка скопирована.</translation>
    </message>
</context>
<context>
    <name>VersionsFlow</name>
    <message>
        <source>This chat was saved by a newer version of Desktop Chat and is read-only.</source>
        <translation>Этот чат сохранён более новой версией Desktop Chat, его можно только читать.</translation>
    </message>
    <message>
        <source>A reply is being written in this chat. Wait for it to finish (or stop it), then switch versions.</source>
        <translation>В этом чате пишется ответ. Дождитесь его (или остановите), потом переключайте варианты.</translation>
    </message>
    <message>
        <source>A reply is being written in this chat. Wait for it to finish (or stop it), then delete.</source>
        <translation>В этом чате пишется ответ. Дождитесь его (или остановите), потом удаляйте.</translation>
    </message>
    <message>
        <source>Question and its reply deleted.</source>
        <translation>Вопрос и ответ на него удалены.</translation>
    </message>
    <message>
        <source>Message deleted.</source>
        <translation>Сообщение удалено.</translation>
    </message>
    <message>
        <source>A reply is being written in this chat. Press Undo again once it has finished.</source>
        <translation>В этом чате пишется ответ. Когда он допишется, нажмите «Отменить» ещё раз.</translation>
    </message>
</context>
<context>
    <name>WhereToFind</name>
    <message>
        <source>Picture: the folder name and its ID at the top of AI Studio, the Create API key button below</source>
        <translation>Рисунок: название каталога и его ID вверху AI Studio, ниже кнопка «Создать API-ключ»</translation>
    </message>
    <message>
        <source>Folder: default · ID b1g…</source>
        <translation>Каталог: default · ID b1g…</translation>
    </message>
    <message>
        <source>Create API key</source>
        <translation>Создать API-ключ</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>About Desktop Chat</source>
        <translation>О программе Desktop Chat</translation>
    </message>
    <message>
        <source>Desktop Chat %s

A desktop client for YandexGPT and the other models of Yandex AI Studio. Your chats stay on your computer:
%s</source>
        <translation>Desktop Chat %s

Программа для общения с YandexGPT и другими моделями Yandex AI Studio. Ваши чаты хранятся на вашем компьютере, в папке:
%s</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Отправить сообщение</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>Новая строка в сообщении</translation>
    </message>
    <message>
        <source>Copy the chosen message</source>
        <translation>Копировать выбранное сообщение</translation>
    </message>
    <message>
        <source>Message menu</source>
        <translation>Меню сообщения</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Сочетания клавиш</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Клавиши</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Поиск по всем чатам</translation>
    </message>
    <message>
        <source>Find in chat</source>
        <translation>Найти в чате</translation>
    </message>
    <message>
        <source>Stop the reply</source>
        <translation>Остановить ответ</translation>
    </message>
    <message>
        <source>Regenerate the last reply</source>
        <translation>Сгенерировать последний ответ заново</translation>
    </message>
    <message>
        <source>Choose the model…</source>
        <translation>Выбрать модель…</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>Прикрепить файлы…</translation>
    </message>
    <message>
        <source>To the newest message</source>
        <translation>К последнему сообщению</translation>
    </message>
    <message>
        <source>Next chat</source>
        <translation>Следующий чат</translation>
    </message>
    <message>
        <source>Previous chat</source>
        <translation>Предыдущий чат</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Переименовать…</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Закрепить</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Создать копию</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Отменить удаление</translation>
    </message>
    <message>
        <source>Chat settings…</source>
        <translation>Настройки чата…</translation>
    </message>
    <message>
        <source>Markdown…</source>
        <translation>Markdown…</translation>
    </message>
    <message>
        <source>HTML…</source>
        <translation>HTML…</translation>
    </message>
    <message>
        <source>JSON…</source>
        <translation>JSON…</translation>
    </message>
    <message>
        <source>Import chat from JSON…</source>
        <translation>Импортировать чат из JSON…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Export chat as</source>
        <translation>Экспортировать чат</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Чат</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Открепить</translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>No wrap</source>
        <translation>Без переноса</translation>
    </message>
</context>
</TS>
